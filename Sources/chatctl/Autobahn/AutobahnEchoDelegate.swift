import ChatKit
import NIOCore

/// The client under test in one Autobahn case: sends every message back as it came (text as text, binary as
/// binary) and completes `finished` when the connection closes.
final class AutobahnEchoDelegate: WebSocketDelegate {
    private let finished: EventLoopPromise<AutobahnCaseOutcome>
    private var messagesEchoed = 0

    init(finished: EventLoopPromise<AutobahnCaseOutcome>) {
        self.finished = finished
    }

    func webSocketDidOpen(_ connection: WebSocketConnection) {}

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        self.echoed(connection.send(text: text), on: connection)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        self.echoed(connection.send(binary: data), on: connection)
    }

    private func echoed(_ result: WebSocketSendResult, on connection: WebSocketConnection) {
        switch result {
        case .queued:
            self.messagesEchoed += 1
        case .queueFull:
            // Never drop an echo silently: the fuzzing server would see a wrong message sequence.
            connection.close(code: WebSocketCloseCode.policyViolation, reason: "echo queue full")
        case .closed:
            break
        }
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.finished.succeed(
            AutobahnCaseOutcome(
                closeCode: code, closeReason: reason, messagesEchoed: self.messagesEchoed, timedOut: false))
    }
}
