import NIOCore

/// Something an open client connection delivers.
public enum WebSocketEvent: Sendable, Equatable {
    case text(String)
    case binary(ByteBuffer)
    /// The connection closed; 1006 when it dropped without a close frame. Always the last event.
    case closed(code: UInt16, reason: String)
}
