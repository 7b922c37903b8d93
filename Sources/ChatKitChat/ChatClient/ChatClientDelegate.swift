import ChatKitWebSocket
import NIOCore

/// Hands one connection's callbacks to its ``ChatClient``, tagged with the connection's generation so that a
/// late callback of an earlier connection is ignored.
final class ChatClientDelegate: WebSocketDelegate {
    private let client: ChatClient
    private let generation: Int

    init(client: ChatClient, generation: Int) {
        self.client = client
        self.generation = generation
    }

    func webSocketDidOpen(_ connection: WebSocketConnection) {
        self.client.connectionOpened(connection, generation: self.generation)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        self.client.received(text, generation: self.generation)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {}

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.client.connectionClosed(code: code, reason: reason, generation: self.generation)
    }
}
