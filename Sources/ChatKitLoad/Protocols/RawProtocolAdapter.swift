/// A plain broadcast server (raw mode): every text frame goes to every client, and there are no rooms, whispers or
/// presence. The text chatctl sends starts with its ``RawMarker``; received frames keep their fast path
/// (``RawMarkerScanner`` in `SimulatedUser+RawAccounting.swift`), so ``events(in:)`` is not used by the runner.
struct RawProtocolAdapter: ProtocolAdapter {
    var capabilities: ProtocolCapabilities {
        ProtocolCapabilities(joinAcks: false, whispers: false, presence: false, leaves: false, readyOnOpen: true)
    }

    func openingFrames(name: String, userIndex: Int) -> [String] { [] }
    func joinFrame(room: String, ackID: Int) -> String? { nil }
    func leaveFrame(room: String) -> String? { nil }
    func sayFrame(room: String, text: String) -> String { text }
    func whisperFrame(to name: String, text: String) -> String? { nil }

    func events(in text: String) -> [ProtocolEvent] {
        [.roomMessage(room: nil, sender: nil, text: text)]
    }
}
