// Usage: nio-read-baseline PORT CONNECTIONS MODE
// The receiving side of chatctl with nothing of chatkit's: CONNECTIONS TCP connections to bench/paced_writer on
// 127.0.0.1:PORT, reading the server frames it writes on one event loop, in one of two ways:
//   codec  NIO's WebSocketFrameDecoder (in a ByteToMessageHandler), each WebSocketFrame to a handler that counts
//          it: the read path chatctl has on the stack we use;
//   bytes  a handler that finds the frames in each ByteBuffer read from the socket and counts them, with no frame
//          values: what a frame reader of our own would cost.
// When the writer has closed every connection it prints {"mode":…,"frames":F,"reads":R,"cpuSeconds":S,
// "microsPerFrame":…,"framesPerRead":…}: the process's CPU time from the first frame to the last close.
#if canImport(Glibc)
import Glibc
#endif
import BaselineSupport
import NIOCore
import NIOPosix
import NIOWebSocket

/// What every connection counts; only the one event loop touches it.
final class ReadStatistics: @unchecked Sendable {
    let mode: String
    let connections: Int
    var frames = 0
    var reads = 0
    var closed = 0
    var cpuAtFirstFrame: Double?

    init(mode: String, connections: Int) {
        self.mode = mode
        self.connections = connections
    }

    func framesSeen(_ count: Int) {
        if self.cpuAtFirstFrame == nil && count > 0 { self.cpuAtFirstFrame = processCPUSeconds() }
        self.frames += count
    }

    func connectionClosed() {
        self.closed += 1
        guard self.closed == self.connections else { return }
        let cpu = processCPUSeconds() - (self.cpuAtFirstFrame ?? processCPUSeconds())
        let frames = max(self.frames, 1)
        print(
            "{\"mode\":\"\(self.mode)\",\"frames\":\(self.frames),\"reads\":\(self.reads),\"cpuSeconds\":\(cpu),"
                + "\"microsPerFrame\":\(cpu / Double(frames) * 1e6),"
                + "\"framesPerRead\":\(Double(self.frames) / Double(max(self.reads, 1)))}")
        fflush(nil)
        exit(0)
    }
}

/// Counts the socket reads (each ByteBuffer the channel reads) and passes them on.
final class ReadCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let statistics: ReadStatistics
    init(statistics: ReadStatistics) { self.statistics = statistics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.statistics.reads += 1
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.statistics.connectionClosed()
    }
}

/// `codec` mode: counts the frames NIO's decoder makes.
final class FrameCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    let statistics: ReadStatistics
    init(statistics: ReadStatistics) { self.statistics = statistics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        if frame.opcode == .text { self.statistics.framesSeen(1) }
    }
}

/// `bytes` mode: finds the frames of an unmasked server stream in the bytes as they come, across reads.
final class InPlaceFrameCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let statistics: ReadStatistics
    /// Payload bytes of the current frame still to come.
    private var payloadLeft = 0
    /// The start of a header split across reads.
    private var partialHeader: [UInt8] = []
    init(statistics: ReadStatistics) { self.statistics = statistics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        var frames = 0
        buffer.withUnsafeReadableBytes { raw in
            var index = 0
            while index < raw.count {
                if self.payloadLeft > 0 {
                    let take = min(self.payloadLeft, raw.count - index)
                    self.payloadLeft -= take
                    index += take
                    continue
                }
                self.partialHeader.append(raw[index])
                index += 1
                guard let length = Self.payloadLength(self.partialHeader) else { continue }
                self.partialHeader.removeAll(keepingCapacity: true)
                self.payloadLeft = length
                frames += 1
            }
        }
        self.statistics.framesSeen(frames)
    }

    /// The payload length once `header` is a whole header of a server frame, else nil.
    static func payloadLength(_ header: [UInt8]) -> Int? {
        guard header.count >= 2 else { return nil }
        switch header[1] & 0x7f {
        case 126:
            guard header.count == 4 else { return nil }
            return Int(header[2]) << 8 | Int(header[3])
        case 127:
            guard header.count == 10 else { return nil }
            return header[2...].reduce(0) { $0 << 8 | Int($1) }
        case let length:
            return Int(length)
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let port = Int(arguments[1]), let connections = Int(arguments[2]),
    ["codec", "bytes"].contains(arguments[3])
else {
    print("usage: nio-read-baseline PORT CONNECTIONS codec|bytes")
    exit(2)
}
let mode = arguments[3]
let statistics = ReadStatistics(mode: mode, connections: connections)
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let bootstrap = ClientBootstrap(group: group)
    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
    .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(ReadCounter(statistics: statistics))
            if mode == "codec" {
                try sync.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
                try sync.addHandler(FrameCounter(statistics: statistics))
            } else {
                try sync.addHandler(InPlaceFrameCounter(statistics: statistics))
            }
        }
    }
for _ in 0..<connections {
    _ = try bootstrap.connect(host: "127.0.0.1", port: port).wait()
}
while true { sleep(60) }
