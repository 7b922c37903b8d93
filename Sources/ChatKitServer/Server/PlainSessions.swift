import ChatKitChat
import ChatKitWebSocket
import NIOConcurrencyHelpers
import NIOCore

/// `echo` mode: each message goes back to its sender, text as text and binary as binary.
final class EchoSession: WebSocketDelegate {
    private let stats: ServerStats

    init(stats: ServerStats) { self.stats = stats }

    func webSocketDidOpen(_ connection: WebSocketConnection) {
        self.stats.connectionOpened()
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        let buffer = ByteBuffer(string: text)
        self.stats.received(.text, bytes: buffer.readableBytes)
        self.echoed(connection.send(textBuffer: buffer), kind: .text, bytes: buffer.readableBytes, on: connection)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        self.stats.received(.binary, bytes: data.readableBytes)
        self.echoed(connection.send(binary: data), kind: .binary, bytes: data.readableBytes, on: connection)
    }

    /// An echo is never dropped silently: a peer that does not read its echoes is a slow consumer, closed
    /// with 1008 like everywhere else, so a missing echo can only ever mean a closed connection.
    private func echoed(
        _ result: WebSocketSendResult, kind: OutboundMessageKind, bytes: Int, on connection: WebSocketConnection
    ) {
        switch result {
        case .queued:
            self.stats.queued(kind, copies: 1, bytesEach: bytes)
        case .queueFull:
            let reason = "slow consumer: send queue full"
            if connection.close(code: WebSocketCloseCode.policyViolation, reason: reason, cause: .slowConsumer) {
                self.stats.slowConsumerDropped()
            }
        case .closed:
            break
        }
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.stats.connectionClosed(connection, code: code)
    }
}

/// `broadcast` mode's one room: every connection, in one set under one lock. A text frame is queued on
/// every connection while the lock is held, so all members see the same order.
final class BroadcastRoom: Sendable {
    private struct State {
        var connections: [ObjectIdentifier: WebSocketConnection] = [:]
        /// Broadcasts so far: the sequence number that picks the ones whose delivery is timed.
        var broadcasts = 0
    }

    private let state = NIOLockedValueBox(State())
    private let stats: ServerStats

    init(stats: ServerStats) { self.stats = stats }

    func add(_ connection: WebSocketConnection) {
        self.state.withLockedValue { $0.connections[ObjectIdentifier(connection)] = connection }
    }

    func remove(_ connection: WebSocketConnection) {
        _ = self.state.withLockedValue { $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Queues `buffer` on every connection; `receivedAt` is when it arrived (delivery timing of sampled ones).
    func broadcast(_ buffer: ByteBuffer, receivedAt: NIODeadline) {
        let overflowed: [WebSocketConnection] = self.state.withLockedValue { state in
            state.broadcasts += 1
            let targets = state.connections.count
            self.stats.metrics.fannedOut(members: targets)
            let probe = self.stats.metrics.deliveryProbe(
                seq: state.broadcasts, receivedAt: receivedAt, targets: targets)
            var overflowed: [WebSocketConnection] = []
            var delivered = 0
            let frame = WebSocketFrameBytes.serverText(buffer)
            for connection in state.connections.values {
                let result =
                    if let probe {
                        connection.send(encodedTextFrame: frame, observer: probe)
                    } else {
                        connection.send(encodedTextFrame: frame)
                    }
                switch result {
                case .queued: delivered += 1
                case .queueFull: overflowed.append(connection)
                case .closed: break
                }
            }
            probe?.fanOutFinished(queuedCopies: delivered)
            self.stats.queued(.text, copies: delivered, bytesEach: buffer.readableBytes)
            return overflowed
        }
        for connection in overflowed
        where connection.close(
            code: WebSocketCloseCode.policyViolation, reason: "slow consumer: send queue full", cause: .slowConsumer)
        {
            self.stats.slowConsumerDropped()
        }
    }
}

/// One connection of `broadcast` mode.
final class BroadcastSession: WebSocketDelegate {
    private let room: BroadcastRoom
    private let stats: ServerStats

    init(room: BroadcastRoom, stats: ServerStats) {
        self.room = room
        self.stats = stats
    }

    func webSocketDidOpen(_ connection: WebSocketConnection) {
        self.stats.connectionOpened()
        self.room.add(connection)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        let receivedAt = NIODeadline.now()
        self.stats.received(.text, bytes: text.utf8.count)
        self.room.broadcast(ByteBuffer(string: text), receivedAt: receivedAt)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        connection.close(
            code: WebSocketCloseCode.unacceptableData, reason: "binary frames are not broadcast",
            cause: .unsupportedData)
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.stats.connectionClosed(connection, code: code)
        self.room.remove(connection)
    }
}
