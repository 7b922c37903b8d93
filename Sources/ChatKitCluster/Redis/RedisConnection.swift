import ChatKitWebSocket
import NIOCore
import NIOPosix

/// One TCP connection to Redis, speaking RESP2, with pipelining: any number of commands may be in flight, and
/// each gets its own reply.
///
/// A connection made with `onPush` is meant for `SUBSCRIBE`: publications arrive there as pushes
/// (`["message", channel, payload]`), while each `SUBSCRIBE channel` command still gets its confirmation as its
/// reply. It does not reconnect; ``RedisClient`` does that.
public final class RedisConnection: Sendable {
    /// The underlying channel.
    package let channel: Channel
    private let commandTimeout: TimeAmount

    private init(channel: Channel, commandTimeout: TimeAmount) {
        self.channel = channel
        self.commandTimeout = commandTimeout
    }

    /// Connects, and selects the URL's database.
    ///
    /// - Parameters:
    ///   - connectTimeout: how long the TCP connection may take. Default 2 s.
    ///   - commandTimeout: how long any reply may take; a late reply closes the connection (it can no longer
    ///     be matched to its command). Default 5 s.
    ///   - onPush: called on the connection's event loop with every publication or RESP3 push; give it for a
    ///     subscriber connection.
    public static func connect(
        to url: RedisURL, group: EventLoopGroup,
        connectTimeout: TimeAmount = .seconds(2), commandTimeout: TimeAmount = .seconds(5),
        onPush: (@Sendable (RESPValue) -> Void)? = nil
    ) async throws -> RedisConnection {
        let isSubscriber = onPush != nil
        let push = onPush ?? { _ in }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(RESPDecoder()),
                        MessageToByteHandler(RESPEncoder()),
                        RedisCommandHandler(isSubscriber: isSubscriber, onPush: push),
                    ])
                }
            }
            .connect(host: url.host, port: url.port).get()
        let connection = RedisConnection(channel: channel, commandTimeout: commandTimeout)
        if url.database != 0 {
            do {
                _ = try await connection.send(["SELECT", String(url.database)]).get()
            } catch {
                connection.close()
                throw error
            }
        }
        return connection
    }

    /// Sends one command; the future fails with ``RedisError`` for an error reply, a timeout or a closed
    /// connection.
    public func send(_ arguments: [String]) -> EventLoopFuture<RESPValue> {
        self.send(.command(arguments))
    }

    /// Sends one command given as a RESP value (normally an array of bulk strings).
    public func send(_ command: RESPValue) -> EventLoopFuture<RESPValue> {
        let promise = self.channel.eventLoop.makePromise(of: RESPValue.self)
        let channel = self.channel
        let timeout = channel.eventLoop.scheduleTask(in: self.commandTimeout) {
            channel.pipeline.fireErrorCaught(RedisError.timeout)
        }
        promise.futureResult.whenComplete { _ in timeout.cancel() }
        channel.writeAndFlush(RedisCommand(value: command, promise: promise)).whenFailure { error in
            // Written after close: the handler is gone or refused it; make sure the promise ends.
            promise.fail(error as? RedisError ?? .connectionClosed)
        }
        return promise.futureResult
    }

    /// Sends several commands in one write (a pipeline) and collects their replies in order. Fails with the
    /// first failure.
    public func pipeline(_ commands: [[String]]) -> EventLoopFuture<[RESPValue]> {
        let futures = commands.map { self.send($0) }
        return EventLoopFuture.whenAllSucceed(futures, on: self.channel.eventLoop)
    }

    /// Whether the TCP connection is still open.
    public var isActive: Bool { self.channel.isActive }

    /// Completes when the connection closes, for whatever reason.
    public var closeFuture: EventLoopFuture<Void> { self.channel.closeFuture }

    /// Closes the connection; waiting commands fail with ``RedisError/connectionClosed``.
    public func close() { self.channel.close(promise: nil) }
}
