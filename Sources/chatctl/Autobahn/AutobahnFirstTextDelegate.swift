import ChatKit
import NIOCore

/// Keeps the first text message of a connection (the fuzzing server's answer to `/getCaseCount`) and
/// completes `finished` with it when the connection closes.
final class AutobahnFirstTextDelegate: WebSocketDelegate {
    private let finished: EventLoopPromise<String?>
    private var firstText: String?

    init(finished: EventLoopPromise<String?>) {
        self.finished = finished
    }

    func webSocketDidOpen(_ connection: WebSocketConnection) {}

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        if self.firstText == nil { self.firstText = text }
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {}

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.finished.succeed(self.firstText)
    }
}
