/// What a message received from a client was, as the `type` label of `chat_messages_received_total`.
///
/// A closed set: a client-chosen `type` string never becomes a label value (an unknown one counts as
/// `invalid`), so a client cannot make the server grow new series.
package enum InboundMessageKind: Int, CaseIterable, Sendable {
    case join, leave, say, whisper, users
    /// Not a valid chat request: not JSON, an unknown `type`, a missing or mistyped field.
    case invalid
    /// A text message in `broadcast` or `echo` mode (no chat protocol).
    case text
    /// A binary message in `echo` mode.
    case binary

    /// The label value.
    package var label: String {
        switch self {
        case .join: "join"
        case .leave: "leave"
        case .say: "say"
        case .whisper: "whisper"
        case .users: "users"
        case .invalid: "invalid"
        case .text: "text"
        case .binary: "binary"
        }
    }

    /// The kind of a decoded chat request, or `invalid` when it did not decode.
    package init(_ decoded: Result<ClientFrame, ClientFrameError>) {
        switch decoded {
        case .success(.join): self = .join
        case .success(.leave): self = .leave
        case .success(.say): self = .say
        case .success(.whisper): self = .whisper
        case .success(.users): self = .users
        case .failure: self = .invalid
        }
    }
}
