import ChatKitWebSocket
import NIOCore

/// Where the hub queues one member's frames: a WebSocket connection on a server, or an in-process member
/// (``InProcessChat``). The hub never waits on it: every call only queues, from any thread.
package protocol ChatConnection: AnyObject, Sendable {
    /// Queues a complete, unmasked text frame encoded once for many members; `observer`, when given, is told
    /// when it is written.
    func send(encodedTextFrame frame: ByteBuffer, observer: (any WebSocketWriteObserver)?) -> WebSocketSendResult
    /// Ends the connection with `code` and `reason`; `false` when it was already closing.
    @discardableResult
    func close(code: UInt16, reason: String, cause: WebSocketCloseCause?) -> Bool
    /// Payload bytes waiting to be written (bounded by the connection's byte budget).
    var queuedBytes: Int { get }
    /// The peer's address, for operators.
    var remoteAddress: SocketAddress? { get }
}

extension WebSocketConnection: ChatConnection {
    package func send(
        encodedTextFrame frame: ByteBuffer, observer: (any WebSocketWriteObserver)?
    ) -> WebSocketSendResult {
        if let observer { return self.send(encodedTextFrame: frame, observer: observer) }
        return self.send(encodedTextFrame: frame)
    }
}
