/// What the WebSocket endpoint of a ``ChatServer`` does.
public enum ServerMode: String, Sendable, CaseIterable {
    /// The chat protocol on `/ws` (docs/protocol.md).
    case chat
    /// A plain broadcast room on any path: every text frame goes to every connection, the sender included,
    /// like gorilla/websocket's chat example. For comparing servers with `chatctl --protocol raw`.
    case broadcast
    /// Conformance mode: every message is sent back as it came, on any path (Autobahn|Testsuite).
    case echo
}
