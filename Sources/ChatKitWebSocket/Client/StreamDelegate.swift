import NIOCore

/// Feeds a client connection's messages into an `AsyncStream`.
final class StreamDelegate: WebSocketDelegate {
    private let continuation: AsyncStream<WebSocketEvent>.Continuation

    init(continuation: AsyncStream<WebSocketEvent>.Continuation) {
        self.continuation = continuation
    }

    func webSocketDidOpen(_ connection: WebSocketConnection) {}

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        self.continuation.yield(.text(text))
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        self.continuation.yield(.binary(data))
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.continuation.yield(.closed(code: code, reason: reason))
        self.continuation.finish()
    }
}
