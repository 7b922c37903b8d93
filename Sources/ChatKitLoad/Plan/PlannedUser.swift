/// One simulated user of the plan.
public struct PlannedUser: Sendable, Equatable {
    /// Index among all users of the scenario.
    public var index: Int
    /// Index of its group in the scenario.
    public var groupIndex: Int
    /// Index within its group (the `{i}` of name patterns).
    public var indexInGroup: Int
    public var name: String
    /// Rooms joined once connected.
    public var rooms: [String]
    /// When the user connects, in seconds from the start of its ramp-up.
    public var connectOffsetSeconds: Double
}
