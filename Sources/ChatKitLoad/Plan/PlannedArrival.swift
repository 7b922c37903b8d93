/// One open-model arrival: at `offsetSeconds` into the phase, user `userIndex` does the phase's action,
/// in room `room` (say) or to user `targetIndex` (whisper).
public struct PlannedArrival: Sendable, Equatable {
    public var offsetSeconds: Double
    public var userIndex: Int
    public var room: String?
    public var targetIndex: Int?
}
