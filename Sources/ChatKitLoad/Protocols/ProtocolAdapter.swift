/// The seam between the load engine and the protocol a server speaks.
///
/// The engine thinks in intents (connect as a user, join a room, say a text in a room, whisper a text to a user,
/// leave a room); an adapter turns each into the text frame its protocol sends, and turns each received text frame
/// into events the accounting counts (``ProtocolEvent``). Adding a protocol means one adapter file plus its tests:
/// the runner and the accounting do not change.
///
/// `chat` and `raw` have their own receive paths (ChatKit's frames are read in place by ``FrameScanner``, raw
/// frames by ``RawMarkerScanner``), so only their sends go through their adapters; every other adapter is
/// counted by the generic path (`SimulatedUser+Adapter.swift`) from the marker chatctl puts in each text.
protocol ProtocolAdapter: Sendable {
    /// What the protocol can tell us, which decides what the accounting counts.
    var capabilities: ProtocolCapabilities { get }
    /// Frames to send once the WebSocket is open, before anything else (a login, a namespace connect).
    func openingFrames(name: String, userIndex: Int) -> [String]
    /// The frame that joins `room` (`nil`: the protocol has no rooms); `ackID` is a number unique to this user's join, for protocols with acks.
    func joinFrame(room: String, ackID: Int) -> String?
    /// The frame that leaves `room`, or `nil` when the protocol cannot leave a room.
    func leaveFrame(room: String) -> String?
    /// The frame that says `text` in `room`.
    func sayFrame(room: String, text: String) -> String
    /// The frame that whispers `text` to user `name`, or `nil` when the protocol has no private messages.
    func whisperFrame(to name: String, text: String) -> String?
    /// What a received text frame means (several events for a batched frame; none for one that means nothing).
    func events(in text: String) -> [ProtocolEvent]
}

/// What a protocol has, and therefore what chatctl can count with it.
struct ProtocolCapabilities: Sendable, Equatable {
    /// Whether the server acknowledges joins (``ProtocolEvent/joined(room:ackID:)``); without, a membership
    /// starts when the join is sent.
    var joinAcks: Bool
    /// Whether the server can send a private message to one user.
    var whispers: Bool
    /// Whether the server announces joins and leaves.
    var presence: Bool
    /// Whether a user can leave a room.
    var leaves: Bool
    /// Whether the user is ready as soon as the WebSocket is open (otherwise when ``ProtocolEvent/ready`` arrives).
    var readyOnOpen: Bool
}

/// One thing a received frame said, as the accounting sees it.
enum ProtocolEvent: Sendable, Equatable {
    /// The session is set up (e.g. Socket.IO's namespace connect was accepted).
    case ready
    /// A join was acknowledged: `room` when the frame names it, `ackID` when the protocol echoes the join's id.
    case joined(room: String?, ackID: Int?)
    /// A copy of a room message; `room` is `nil` when the protocol does not say (the user's only room is taken).
    case roomMessage(room: String?, sender: String?, text: String)
    /// A private message to `to` (`nil`: the receiver) from `from`.
    case whisper(from: String?, to: String?, text: String)
    /// Someone joined or left a room.
    case presence(room: String?, name: String?)
    /// The server refused something; `code` names it for the report's error counts.
    case error(code: String)
    /// A frame to send back at once (a keep-alive answer).
    case reply(String)
    /// The server ended the session without closing the WebSocket (Socket.IO's DISCONNECT): chatctl closes it, and
    /// the connection counts as lost.
    case sessionEnded(reason: String)
}
