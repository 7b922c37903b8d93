import ChatKitWebSocket
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A chat-level client: joins, says and whispers, and when its connection is lost, reconnects with backoff and
/// joins every room it was in again with `since` and `epoch`, so the caller gets exactly what it missed, once,
/// or is told exactly which seqs are lost (docs/architecture.md, "The ChatKit chat client").
///
/// ```swift
/// let client = try await ChatClient.connect(to: "ws://127.0.0.1:8080/ws", name: "alice")
/// try client.join("lobby")
/// for await event in client.events {
///     if case .frame(.message(let message)) = event { print(message.seq, message.content) }
/// }
/// ```
public final class ChatClient: Sendable {
    /// Everything the client delivers, in order; ``ChatClientEvent/closed(code:reason:)`` is the last one.
    public let events: AsyncStream<ChatClientEvent>
    /// The name the client connects as.
    public let name: String
    /// The reason of the `.closed` event that ends a client whose caller let the event buffer fill up.
    public static let eventBufferFullReason = "event buffer full: the caller did not read the client's events"

    private let url: WebSocketURL
    private let configuration: ChatClientConfiguration
    private let eventLoop: EventLoop
    private let continuation: AsyncStream<ChatClientEvent>.Continuation
    private let state = NIOLockedValueBox(State())

    private enum Phase {
        case connecting, open, reconnecting, closing, closed
    }

    private struct State {
        var phase = Phase.connecting
        var connection: WebSocketConnection?
        var generation = 0
        var connections = 0
        var failedAttempts = 0
        var ledger = RoomLedger()
        var reconnectTask: Task<Void, Never>?
    }

    private init(url: WebSocketURL, name: String, configuration: ChatClientConfiguration, eventLoop: EventLoop) {
        self.url = url
        self.name = name
        self.configuration = configuration
        self.eventLoop = eventLoop
        // One slot beyond the caller's allowance, for the `.closed` that follows when the allowance is used up.
        (self.events, self.continuation) = AsyncStream.makeStream(
            of: ChatClientEvent.self, bufferingPolicy: .bufferingOldest(max(1, configuration.eventBufferSize) + 1))
    }

    /// Connects to the chat endpoint `url` (`ws://host:port/ws`) as `name`; throws a ``WebSocketClientError``
    /// when this first connection fails (only a connection that was open is retried).
    public static func connect(
        to url: String, name: String, configuration: ChatClientConfiguration = ChatClientConfiguration(),
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ChatClient {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
        let parsed = try WebSocketURL(url + (url.contains("?") ? "&" : "?") + "name=" + encoded)
        let client = ChatClient(url: parsed, name: name, configuration: configuration, eventLoop: group.next())
        let generation = client.state.withLockedValue { state in
            state.generation += 1
            return state.generation
        }
        _ = try await client.open(generation: generation).get()
        return client
    }

    // MARK: Requests

    /// Joins `room` (and again after every reconnect, until ``leave(_:)``). The first join sends `since: 0` to
    /// learn the room's epoch; its `joined` and `history` arrive as frames. Joining a room already joined does
    /// nothing. While reconnecting, the join is made once the connection is back. Throws
    /// ``WebSocketClientError/closed`` once the client is closed.
    public func join(_ room: String) throws {
        let (isClosed, connection) = self.state.withLockedValue { state -> (Bool, WebSocketConnection?) in
            guard state.phase != .closing, state.phase != .closed else { return (true, nil) }
            return (false, state.ledger.add(room) ? state.connection : nil)
        }
        if isClosed { throw WebSocketClientError.closed }
        try connection.map {
            try Self.send(.join(room: room, id: RoomLedger.joinID(room), since: 0, epoch: nil), on: $0)
        }
    }

    /// Leaves `room`: it is not joined again after a reconnect. The server replies `left`; while reconnecting
    /// there is nothing to send (the server already let the connection go), so the room is only forgotten.
    public func leave(_ room: String, id: String? = nil) throws {
        let connection = self.state.withLockedValue { state in
            state.ledger.remove(room)
            return state.connection
        }
        try connection.map { try Self.send(.leave(room: room, id: id), on: $0) }
    }

    /// Says `content` in `room`; throws ``WebSocketClientError/closed`` while the client is reconnecting.
    public func say(_ content: String, in room: String, id: String? = nil) throws {
        try self.send(.say(room: room, content: content, id: id))
    }

    /// Whispers `content` to `user`; throws ``WebSocketClientError/closed`` while the client is reconnecting.
    public func whisper(_ content: String, to user: String, id: String? = nil) throws {
        try self.send(.whisper(to: user, content: content, id: id))
    }

    /// Sends any request; throws ``WebSocketClientError/closed`` while the client is reconnecting, and
    /// ``WebSocketClientError/sendQueueFull`` when the server is not reading.
    public func send(_ frame: ClientFrame) throws {
        guard let connection = self.state.withLockedValue({ $0.connection }) else {
            throw WebSocketClientError.closed
        }
        try Self.send(frame, on: connection)
    }

    /// The rooms the client is in (or joining), sorted.
    public var rooms: [String] { self.state.withLockedValue { $0.ledger.rooms.keys.sorted() } }

    /// Closes the connection (code 1000) without reconnecting, and waits until it is closed.
    public func close() async {
        let (connection, task) = self.state.withLockedValue { state -> (WebSocketConnection?, Task<Void, Never>?) in
            guard state.phase != .closed else { return (nil, nil) }
            state.phase = .closing
            defer { state.reconnectTask = nil }
            return (state.connection, state.reconnectTask)
        }
        task?.cancel()
        if let connection {
            connection.close(code: WebSocketCloseCode.normal)
            try? await connection.closeFuture.get()
        }
        self.finish(code: WebSocketCloseCode.normal, reason: "")
    }

    private static func send(_ frame: ClientFrame, on connection: WebSocketConnection) throws {
        switch connection.send(text: frame.encoded()) {
        case .queued: return
        case .queueFull: throw WebSocketClientError.sendQueueFull
        case .closed: throw WebSocketClientError.closed
        }
    }

    // MARK: Connections

    private func open(generation: Int) -> EventLoopFuture<WebSocketClient.Opened> {
        WebSocketClient.connect(
            to: self.url, configuration: self.configuration.connection, eventLoop: self.eventLoop,
            makeDelegate: { ChatClientDelegate(client: self, generation: generation) })
    }

    package func connectionOpened(_ connection: WebSocketConnection, generation: Int) {
        let joins: [ClientFrame]? = self.state.withLockedValue { state in
            guard generation == state.generation, state.phase == .connecting || state.phase == .reconnecting else {
                return nil
            }
            let isReconnect = state.connections > 0
            state.connections += 1
            state.phase = .open
            state.connection = connection
            if isReconnect { self.yieldLocked(.reconnected, state: &state) }
            return state.ledger.joinFrames()
        }
        guard let joins else {
            connection.close(code: WebSocketCloseCode.normal)
            return
        }
        for join in joins { try? Self.send(join, on: connection) }
    }

    package func connectionClosed(code: UInt16, reason: String, generation: Int) {
        self.state.withLockedValue { state in
            guard generation == state.generation, state.phase == .open || state.phase == .connecting else { return }
            state.connection = nil
            guard self.configuration.reconnectCodes.contains(code), state.connections > 0,
                self.configuration.reconnect.allows(attempt: state.failedAttempts + 1)
            else {
                if state.failedAttempts > 0, self.configuration.reconnectCodes.contains(code) {
                    // A reconnect that opened and was lost again before its welcome used up the last attempt.
                    let lastError = "connection lost (\(code)\(reason.isEmpty ? "" : " \(reason)"))"
                    self.yieldLocked(.gaveUp(attempts: state.failedAttempts, lastError: lastError), state: &state)
                }
                self.finishLocked(code: code, reason: reason, state: &state)
                return
            }
            state.phase = .reconnecting
            state.reconnectTask = Task { await self.reconnect(lostWith: code, reason: reason) }
        }
    }

    /// Tries to connect again until it works, the policy gives up or the caller closes the client.
    private func reconnect(lostWith code: UInt16, reason: String) async {
        let policy = self.configuration.reconnect
        var lastError = "connection lost (\(code)\(reason.isEmpty ? "" : " \(reason)"))"
        while true {
            let step: (attempt: Int, generation: Int, delay: Duration)? = self.state.withLockedValue { state in
                guard state.phase == .reconnecting else { return nil }
                let attempt = state.failedAttempts + 1
                guard policy.allows(attempt: attempt) else {
                    self.yieldLocked(.gaveUp(attempts: state.failedAttempts, lastError: lastError), state: &state)
                    self.finishLocked(code: code, reason: reason, state: &state)
                    return nil
                }
                state.failedAttempts = attempt
                let delay = policy.delay(attempt: attempt, random: Double.random(in: 0...1))
                self.yieldLocked(.reconnecting(attempt: attempt, delay: delay), state: &state)
                state.generation += 1
                return (attempt, state.generation, delay)
            }
            guard let step else { return }
            do {
                try await Task.sleep(for: step.delay)
            } catch {
                return  // cancelled by close()
            }
            guard self.state.withLockedValue({ $0.phase == .reconnecting }) else { return }
            do {
                _ = try await self.open(generation: step.generation).get()
                return  // connectionOpened took over
            } catch {
                lastError = "\(error)"
            }
        }
    }

    // MARK: Frames

    package func received(_ text: String, generation: Int) {
        guard let frame = try? ServerFrame.decode(text) else { return }
        self.state.withLockedValue { state in
            guard generation == state.generation, state.phase == .open else { return }
            switch frame {
            case .welcome:
                if state.connections == 1 { self.yieldLocked(.frame(frame), state: &state) }
                state.failedAttempts = 0
            case .joined(let room, _, let seq, let id, let epoch, let recovered, let firstSeq)
            where id == RoomLedger.joinID(room):
                let first = state.ledger.joined(
                    room: room, seq: seq, epoch: epoch, recovered: recovered, firstSeq: firstSeq)
                if first { self.yieldLocked(.frame(frame), state: &state) }
            case .history(let room, let messages, let id) where id == RoomLedger.joinID(room):
                guard let recovery = state.ledger.history(room: room, messages: messages) else {
                    self.yieldLocked(.frame(frame), state: &state)
                    return
                }
                if let epoch = recovery.reset { self.yieldLocked(.roomReset(room: room, epoch: epoch), state: &state) }
                if let gap = recovery.gap {
                    self.yieldLocked(.gap(room: room, from: gap.lowerBound, to: gap.upperBound), state: &state)
                }
                for message in recovery.messages { self.yieldLocked(.frame(.message(message)), state: &state) }
                if recovery.recovered {
                    self.yieldLocked(.recovered(room: room, messages: recovery.messages.count), state: &state)
                }
            case .message(let message):
                if state.ledger.accept(message) { self.yieldLocked(.frame(frame), state: &state) }
            case .error(_, _, let id):
                _ = state.ledger.joinFailed(id: id)
                self.yieldLocked(.frame(frame), state: &state)
            default:
                self.yieldLocked(.frame(frame), state: &state)
            }
        }
    }

    // MARK: Events

    /// Delivers `event`; when that fills the caller's allowance, closes the client (its `.closed` takes the spare
    /// slot) rather than ever dropping an event.
    private func yieldLocked(_ event: ChatClientEvent, state: inout State) {
        guard state.phase != .closed else { return }
        if case .enqueued(let remaining) = self.continuation.yield(event), remaining <= 1 {
            state.connection?.close(code: WebSocketCloseCode.normal)
            self.finishLocked(code: WebSocketCloseCode.normal, reason: Self.eventBufferFullReason, state: &state)
        }
    }

    private func finish(code: UInt16, reason: String) {
        self.state.withLockedValue { self.finishLocked(code: code, reason: reason, state: &$0) }
    }

    private func finishLocked(code: UInt16, reason: String, state: inout State) {
        guard state.phase != .closed else { return }
        state.phase = .closed
        state.connection = nil
        state.reconnectTask?.cancel()
        state.reconnectTask = nil
        self.continuation.yield(.closed(code: code, reason: reason))
        self.continuation.finish()
    }
}
