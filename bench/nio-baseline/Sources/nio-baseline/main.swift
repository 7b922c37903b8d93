// Usage: nio-baseline PORT CONNECTIONS
// Serves WebSocket upgrades on 127.0.0.1:PORT with NIO's HTTP server pipeline and NIOWebSocketServerUpgrader; each
// new connection gets one text frame (a welcome, as chatserver sends). When the CONNECTIONSth connection has
// opened it prints `{"opened":N,"cpuSeconds":S}` on standard output: the process's CPU time up to that moment.
#if canImport(Glibc)
import Glibc
#endif
import BaselineSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Counts opened connections; only the one event loop touches it.
final class OpenCounter: @unchecked Sendable {
    var opened = 0
    let target: Int
    init(target: Int) { self.target = target }

    func connectionOpened() {
        self.opened += 1
        if self.opened == self.target {
            print("{\"opened\":\(self.opened),\"cpuSeconds\":\(processCPUSeconds())}")
            fflush(nil)
        }
    }
}

final class WelcomeHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let counter: OpenCounter
    init(counter: OpenCounter) { self.counter = counter }

    func handlerAdded(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 48)
        buffer.writeString(#"{"name":"u-0000001","type":"welcome"}"#)
        context.writeAndFlush(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: nil)
        self.counter.connectionOpened()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        if frame.opcode == .connectionClose { context.close(promise: nil) }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]), let target = Int(arguments[2]) else {
    print("usage: nio-baseline PORT CONNECTIONS")
    exit(2)
}
let counter = OpenCounter(target: target)
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let upgrader = NIOWebSocketServerUpgrader(
    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
    upgradePipelineHandler: { channel, _ in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(WelcomeHandler(counter: counter))
        }
    })
let server = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        }
    }
    .bind(host: "127.0.0.1", port: port).wait()
print("listening on ws://127.0.0.1:\(server.localAddress?.port ?? port)/ws")
fflush(nil)
try server.closeFuture.wait()
