import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A Redis client that stays connected: one connection for commands (pipelined), one for pub/sub, both rebuilt
/// with exponential backoff whenever either drops, with every channel subscribed again before the client
/// reports itself up.
///
/// Commands sent while the client is down fail at once with ``RedisError/unavailable``: callers decide what a
/// missing Redis means for them. `onStateChange(true)` is called after each (re)connection, once the
/// subscriptions are back; `onStateChange(false)` when either connection is lost. Publications arrive on
/// `onMessage` on the subscriber connection's event loop, in the order Redis sent them.
public final class RedisClient: @unchecked Sendable {
    /// Where Redis is.
    public let url: RedisURL
    private let group: EventLoopGroup
    private let configuration: RedisClientConfiguration
    private let logger: Logger
    private let onMessage: @Sendable (String, ByteBuffer) -> Void
    private let onStateChange: @Sendable (Bool) -> Void

    private let lock = NIOLock()
    private var commandConnection: RedisConnection?
    private var subscriberConnection: RedisConnection?
    private var channels: Set<String> = []
    private var isUp = false
    private var isStopped = false
    private var maintainer: Task<Void, Never>?

    /// Creates a client; nothing connects until ``start()``.
    public init(
        url: RedisURL, group: EventLoopGroup, configuration: RedisClientConfiguration = RedisClientConfiguration(),
        logger: Logger = Logger(label: "redis"),
        onMessage: @escaping @Sendable (_ channel: String, _ payload: ByteBuffer) -> Void,
        onStateChange: @escaping @Sendable (_ up: Bool) -> Void = { _ in }
    ) {
        self.url = url
        self.group = group
        self.configuration = configuration
        self.logger = logger
        self.onMessage = onMessage
        self.onStateChange = onStateChange
    }

    /// Starts connecting (in the background) and keeps reconnecting until ``shutdown()``.
    public func start() {
        self.lock.withLock {
            guard self.maintainer == nil, !self.isStopped else { return }
            self.maintainer = Task { await self.maintain() }
        }
    }

    /// Whether both connections are up and every subscription is in place.
    public var isConnected: Bool { self.lock.withLock { self.isUp } }

    /// Sends a command on the command connection.
    public func send(_ arguments: [String]) -> EventLoopFuture<RESPValue> {
        guard let connection = self.lock.withLock({ self.isUp ? self.commandConnection : nil }) else {
            return self.group.next().makeFailedFuture(RedisError.unavailable)
        }
        return connection.send(arguments)
    }

    /// Subscribes to `channel`, now if connected and after every reconnection. The future completes when Redis
    /// confirmed the subscription, or fails with ``RedisError/unavailable`` while the client is down (the
    /// subscription is still remembered).
    @discardableResult
    public func subscribe(_ channel: String) -> EventLoopFuture<Void> {
        let connection: RedisConnection? = self.lock.withLock {
            self.channels.insert(channel)
            return self.subscriberConnection
        }
        guard let connection else { return self.group.next().makeFailedFuture(RedisError.unavailable) }
        return connection.send(["SUBSCRIBE", channel]).map { _ in }
    }

    /// Forgets `channel` and unsubscribes from it if connected.
    public func unsubscribe(_ channel: String) {
        let connection: RedisConnection? = self.lock.withLock {
            self.channels.remove(channel)
            return self.subscriberConnection
        }
        _ = connection?.send(["UNSUBSCRIBE", channel])
    }

    /// Stops reconnecting and closes both connections.
    public func shutdown() async {
        let (task, connections): (Task<Void, Never>?, [RedisConnection]) = self.lock.withLock {
            self.isStopped = true
            self.isUp = false
            defer {
                self.commandConnection = nil
                self.subscriberConnection = nil
            }
            return (self.maintainer, [self.commandConnection, self.subscriberConnection].compactMap { $0 })
        }
        task?.cancel()
        for connection in connections {
            connection.close()
            try? await connection.closeFuture.get()
        }
        await task?.value
    }

    private var stopped: Bool { self.lock.withLock { self.isStopped } }

    /// Connect, subscribe, watch, and start again after a loss; backoff between failed attempts.
    private func maintain() async {
        var attempt = 0
        while !self.stopped && !Task.isCancelled {
            if await self.connectAndServe() {
                attempt = 0
            } else {
                let delay = self.configuration.backoff(attempt: attempt)
                attempt += 1
                try? await Task.sleep(nanoseconds: UInt64(max(0, delay.nanoseconds)))
            }
        }
    }

    /// One connected period. Returns whether the client was up at all (so the next attempt needs no backoff).
    private func connectAndServe() async -> Bool {
        var opened: [RedisConnection] = []
        defer { for connection in opened { connection.close() } }
        do {
            let command = try await RedisConnection.connect(
                to: self.url, group: self.group, connectTimeout: self.configuration.connectTimeout,
                commandTimeout: self.configuration.commandTimeout)
            opened.append(command)
            let onMessage = self.onMessage
            let subscriber = try await RedisConnection.connect(
                to: self.url, group: self.group, connectTimeout: self.configuration.connectTimeout,
                commandTimeout: self.configuration.commandTimeout,
                onPush: { value in Self.deliver(value, to: onMessage) })
            opened.append(subscriber)
            let wanted: Set<String>? = self.lock.withLock {
                guard !self.isStopped else { return nil }
                self.subscriberConnection = subscriber
                return self.channels
            }
            guard let wanted else { return false }
            // Subscribe again; channels added meanwhile were sent by subscribe() itself.
            _ = try await subscriber.pipeline(wanted.sorted().map { ["SUBSCRIBE", $0] }).get()
            let up: Bool = self.lock.withLock {
                guard !self.isStopped else { return false }
                self.commandConnection = command
                self.isUp = true
                return true
            }
            guard up else { return false }
            self.logger.info("redis connected", metadata: ["url": "\(self.url)", "channels": "\(wanted.count)"])
            self.onStateChange(true)
            await self.watch(command, subscriber)
            self.lock.withLock {
                self.isUp = false
                self.commandConnection = nil
                self.subscriberConnection = nil
            }
            if !self.stopped {
                self.logger.warning("redis connection lost", metadata: ["url": "\(self.url)"])
            }
            self.onStateChange(false)
            return true
        } catch {
            self.lock.withLock { self.subscriberConnection = nil }
            self.logger.debug("redis connection attempt failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Returns when either connection is lost or stops answering `PING`.
    private func watch(_ command: RedisConnection, _ subscriber: RedisConnection) async {
        let interval = UInt64(max(1_000_000, self.configuration.keepaliveInterval.nanoseconds))
        while !self.stopped && !Task.isCancelled && command.isActive && subscriber.isActive {
            do {
                _ = try await command.send(["PING"]).get()
                _ = try await subscriber.send(["PING"]).get()
            } catch {
                return
            }
            // Wake early when a connection closes.
            let closed = command.channel.eventLoop.makePromise(of: Void.self)
            command.closeFuture.whenComplete { _ in closed.succeed(()) }
            subscriber.closeFuture.whenComplete { _ in closed.succeed(()) }
            let timer = command.channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(interval))) { closed.succeed(()) }
            try? await closed.futureResult.get()
            timer.cancel()
        }
    }

    /// Unpacks a publication (`message channel payload`, `pmessage pattern channel payload`, or the RESP3 push
    /// forms of both) and hands it on.
    private static func deliver(_ value: RESPValue, to onMessage: @Sendable (String, ByteBuffer) -> Void) {
        guard let elements = value.array, let kind = elements.first?.string else { return }
        switch kind {
        case "message", "smessage":
            guard elements.count == 3, let channel = elements[1].string, case .bulkString(let payload) = elements[2]
            else { return }
            onMessage(channel, payload)
        case "pmessage":
            guard elements.count == 4, let channel = elements[2].string, case .bulkString(let payload) = elements[3]
            else { return }
            onMessage(channel, payload)
        default:
            return
        }
    }
}
