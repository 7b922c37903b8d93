import ChatKit

/// How one Autobahn case ended from the client's side. The verdict is the fuzzing server's (its report);
/// this is what the client saw, for progress output.
struct AutobahnCaseOutcome: Sendable, Equatable {
    /// The fuzzing server's close code; 1006 when TCP dropped without a close frame (some cases end so).
    var closeCode: UInt16
    /// The fuzzing server's close reason.
    var closeReason: String
    /// Messages received and sent back.
    var messagesEchoed: Int
    /// The case did not end within the case timeout; the client dropped the connection.
    var timedOut: Bool

    /// Creates an outcome.
    init(closeCode: UInt16, closeReason: String, messagesEchoed: Int, timedOut: Bool) {
        self.closeCode = closeCode
        self.closeReason = closeReason
        self.messagesEchoed = messagesEchoed
        self.timedOut = timedOut
    }
}
