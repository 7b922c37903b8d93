import NIOCore

/// A command on its way to Redis with the promise of its reply.
struct RedisCommand {
    var value: RESPValue
    var promise: EventLoopPromise<RESPValue>
}

/// Matches replies to commands on one Redis connection: replies come back in the order commands were written,
/// so a FIFO of promises is all the bookkeeping pipelining needs.
///
/// Values that are not replies go to `onPush` instead: RESP3 push frames, and on a subscriber connection the
/// RESP2 arrays `message`/`pmessage`/`smessage` that Redis sends for publications. A reply that is an error
/// fails its promise with ``RedisError/server(_:)``. When the connection ends, or fails, every waiting promise
/// fails.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisCommand
    typealias OutboundOut = RESPValue

    private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>()
    private var failure: RedisError?
    private let isSubscriber: Bool
    private let onPush: @Sendable (RESPValue) -> Void

    init(isSubscriber: Bool, onPush: @escaping @Sendable (RESPValue) -> Void) {
        self.isSubscriber = isSubscriber
        self.onPush = onPush
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = Self.unwrapOutboundIn(data)
        if let failure = self.failure {
            command.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        self.waiting.append(command.promise)
        context.write(Self.wrapOutboundOut(command.value), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = Self.unwrapInboundIn(data)
        if self.isPush(value) {
            self.onPush(value)
            return
        }
        guard let promise = self.waiting.popFirst() else {
            // A reply nobody asked for: the stream is out of step, so nothing after it can be trusted.
            context.fireErrorCaught(RedisError.protocolViolation("reply without a command"))
            return
        }
        if case .error(let message) = value {
            promise.fail(RedisError.server(message))
        } else {
            promise.succeed(value)
        }
    }

    private func isPush(_ value: RESPValue) -> Bool {
        switch value {
        case .push: return true
        case .array(let elements) where self.isSubscriber:
            guard let kind = elements.first?.string else { return false }
            return kind == "message" || kind == "pmessage" || kind == "smessage"
        default: return false
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        self.failAll(error as? RedisError ?? .connectionClosed)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    private func failAll(_ error: RedisError) {
        if self.failure == nil { self.failure = error }
        while let promise = self.waiting.popFirst() { promise.fail(error) }
    }
}
