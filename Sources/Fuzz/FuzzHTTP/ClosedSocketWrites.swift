import NIOCore

/// Makes an `EmbeddedChannel` drop writes after it closed, as a socket channel does: `EmbeddedChannel` still
/// buffers them, so without this the fuzz target would see bytes no client ever receives. (An early version
/// reported two `400`s for `HTTP/2.0` that way: NIO reports that error twice, but the second answer is
/// written after the server has closed the connection.)
final class ClosedSocketWrites: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard context.channel.isActive else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(data, promise: promise)
    }
}
