/// How the `json` protocol adapter speaks a JSON-over-WebSocket chat protocol (the scenario's `json` block,
/// docs/protocols.md): the frames to send as templates, and where received frames hold what chatctl counts.
public struct JSONProtocolSettings: Sendable, Equatable {
    /// Sent once the WebSocket is open (a login or hello), if set.
    public var hello: JSONFrameTemplate?
    /// Joins `{room}`.
    public var join: JSONFrameTemplate
    /// Leaves `{room}`; without it, `leave` steps are refused.
    public var leave: JSONFrameTemplate?
    /// Says `{text}` in `{room}`.
    public var say: JSONFrameTemplate
    /// Whispers `{text}` to `{to}`; without it, whispers are refused.
    public var whisper: JSONFrameTemplate?
    /// Where a received frame's type is.
    public var typeAt: JSONPointer
    /// Where a room message or a join ack names its room; without it, a user's only room is assumed.
    public var roomAt: JSONPointer?
    /// Where a room message or whisper names its sender.
    public var senderAt: JSONPointer?
    /// Where a whisper names its recipient.
    public var recipientAt: JSONPointer?
    /// Where the text of a room message or whisper is.
    public var textAt: JSONPointer
    /// Where a presence frame names the user who came or went.
    public var nameAt: JSONPointer?
    /// Type values of a room message.
    public var messageTypes: Set<String>
    /// Type values of a whisper.
    public var whisperTypes: Set<String> = []
    /// Type values of a join acknowledgement; without any, a membership starts when its join is sent.
    public var joinedTypes: Set<String> = []
    /// Type values of a presence announcement.
    public var presenceTypes: Set<String> = []
    /// Type values of an error (counted by type in the report's errors).
    public var errorTypes: Set<String> = []
}
