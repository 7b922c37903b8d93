/// The causes a failed send is counted under (``FailureCauses/send``).
enum SendFailure {
    /// The user had no open connection at the send's time (never connected, or lost it).
    static let notConnected = "not connected"
    /// A `say` without a room, from a user in no room.
    static let noRoom = "no room joined"
    /// The whisper's addressee was not connected and in its rooms.
    static let targetNotConnected = "whisper target not connected"
    /// A whisper with nobody to whisper to (no other user, or no user matching the step's `to`).
    static let noWhisperTarget = "no whisper target"
    /// The connection's send queue was full: the server was not reading fast enough.
    static let queueFull = "send queue full"
    /// The connection was closing or closed when the send was queued.
    static let connectionClosed = "connection closed"
    /// More sends planned while the user was away on a churn than it holds (``UserRecoveryState/heldLimit``).
    static let heldOverLimit = "too many sends held while away on a churn"
}
