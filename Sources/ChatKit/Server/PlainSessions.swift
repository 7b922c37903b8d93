import NIOConcurrencyHelpers
import NIOCore

/// `echo` mode: each message goes back to its sender, text as text and binary as binary.
final class EchoSession: WebSocketDelegate {
    private let stats: ServerStats

    init(stats: ServerStats) { self.stats = stats }

    func webSocketDidOpen(_ connection: WebSocketConnection) {
        self.stats.connectionsCurrent.wrappingIncrement(ordering: .relaxed)
        self.stats.connectionsTotal.wrappingIncrement(ordering: .relaxed)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        self.stats.messagesIn.wrappingIncrement(ordering: .relaxed)
        let buffer = ByteBuffer(string: text)
        self.echoed(connection.send(textBuffer: buffer), bytes: buffer.readableBytes, on: connection)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        self.stats.messagesIn.wrappingIncrement(ordering: .relaxed)
        self.echoed(connection.send(binary: data), bytes: data.readableBytes, on: connection)
    }

    /// An echo is never dropped silently: a peer that does not read its echoes is a slow consumer, closed
    /// with 1008 like everywhere else, so a missing echo can only ever mean a closed connection.
    private func echoed(_ result: WebSocketSendResult, bytes: Int, on connection: WebSocketConnection) {
        switch result {
        case .queued:
            self.stats.countOut(copies: 1, bytesEach: bytes)
        case .queueFull:
            if connection.close(code: WebSocketCloseCode.policyViolation, reason: "slow consumer: send queue full") {
                self.stats.slowConsumersDropped.wrappingIncrement(ordering: .relaxed)
            }
        case .closed:
            break
        }
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.stats.connectionsCurrent.wrappingDecrement(ordering: .relaxed)
    }
}

/// `broadcast` mode's one room: every connection, in one set under one lock. A text frame is queued on
/// every connection while the lock is held, so all members see the same order.
final class BroadcastRoom: Sendable {
    private let connections = NIOLockedValueBox<[ObjectIdentifier: WebSocketConnection]>([:])
    private let stats: ServerStats

    init(stats: ServerStats) { self.stats = stats }

    func add(_ connection: WebSocketConnection) {
        self.connections.withLockedValue { $0[ObjectIdentifier(connection)] = connection }
    }

    func remove(_ connection: WebSocketConnection) {
        _ = self.connections.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    func broadcast(_ buffer: ByteBuffer) {
        let overflowed: [WebSocketConnection] = self.connections.withLockedValue { connections in
            var overflowed: [WebSocketConnection] = []
            var delivered = 0
            let frame = WebSocketFrameBytes.serverText(buffer)
            for connection in connections.values {
                switch connection.send(encodedTextFrame: frame) {
                case .queued: delivered += 1
                case .queueFull: overflowed.append(connection)
                case .closed: break
                }
            }
            self.stats.countOut(copies: delivered, bytesEach: buffer.readableBytes)
            return overflowed
        }
        for connection in overflowed
        where connection.close(code: WebSocketCloseCode.policyViolation, reason: "slow consumer: send queue full") {
            self.stats.slowConsumersDropped.wrappingIncrement(ordering: .relaxed)
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
        self.stats.connectionsCurrent.wrappingIncrement(ordering: .relaxed)
        self.stats.connectionsTotal.wrappingIncrement(ordering: .relaxed)
        self.room.add(connection)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        self.stats.messagesIn.wrappingIncrement(ordering: .relaxed)
        self.stats.bytesIn.wrappingIncrement(by: text.utf8.count, ordering: .relaxed)
        self.room.broadcast(ByteBuffer(string: text))
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        connection.close(code: WebSocketCloseCode.unacceptableData, reason: "binary frames are not broadcast")
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.stats.connectionsCurrent.wrappingDecrement(ordering: .relaxed)
        self.room.remove(connection)
    }
}
