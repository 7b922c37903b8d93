/// What a frame queued to a client was, as the `type` label of `chat_messages_sent_total`.
package enum OutboundMessageKind: Int, CaseIterable, Sendable {
    case welcome, joined, left, history, message, whisper, presence, users, error
    /// A text message in `broadcast` or `echo` mode (no chat protocol).
    case text
    /// A binary message echoed in `echo` mode.
    case binary

    /// The label value: the frame's `type` field in chat mode.
    package var label: String {
        switch self {
        case .welcome: "welcome"
        case .joined: "joined"
        case .left: "left"
        case .history: "history"
        case .message: "message"
        case .whisper: "whisper"
        case .presence: "presence"
        case .users: "users"
        case .error: "error"
        case .text: "text"
        case .binary: "binary"
        }
    }

    /// The kind of a chat frame.
    package init(_ frame: ServerFrame) {
        switch frame {
        case .welcome: self = .welcome
        case .joined: self = .joined
        case .left: self = .left
        case .history: self = .history
        case .message: self = .message
        case .whisper: self = .whisper
        case .presence: self = .presence
        case .users: self = .users
        case .error: self = .error
        }
    }
}
