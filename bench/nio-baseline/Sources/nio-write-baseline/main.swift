// Usage: nio-write-baseline PORT-FILE CONNECTIONS FRAMES-PER-SECOND SECONDS
// The sending side of chatserver with nothing of chatkit's: bench/paced_writer.c's job on one SwiftNIO event loop.
// It listens on 127.0.0.1 at a free port (written to PORT-FILE), accepts CONNECTIONS readers (bench/paced_reader),
// then every millisecond writes the frames due, one 66-byte server frame (encoded once, shared) per connection in
// turn with `writeAndFlush`, as chatserver writes copies at light load. After SECONDS it closes every connection
// and prints {"frames":F,"writeMicrosPerFrame":W}: the process's CPU time while writing, per frame.
#if canImport(Glibc)
import Glibc
#endif
import BaselineSupport
import NIOCore
import NIOPosix

/// The accepted connections and the pacing; only the one event loop touches it.
final class PacedWriter: @unchecked Sendable {
    let connections: Int
    let rate: Double
    let seconds: Double
    let frame: ByteBuffer
    var channels: [Channel] = []
    var written = 0
    var next = 0
    var start = NIODeadline.now()
    var cpuAtStart = 0.0

    init(connections: Int, rate: Double, seconds: Double) {
        self.connections = connections
        self.rate = rate
        self.seconds = seconds
        var frame = ByteBuffer()
        frame.writeBytes([0x81, 64])
        frame.writeRepeatingByte(UInt8(ascii: "x"), count: 64)
        self.frame = frame
    }

    func accepted(_ channel: Channel) {
        self.channels.append(channel)
        if self.channels.count == self.connections {
            self.start = .now()
            self.cpuAtStart = processCPUSeconds()
            channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { task in
                self.tick(task)
            }
        }
    }

    private func tick(_ task: RepeatedTask) {
        let elapsed = Double((NIODeadline.now() - self.start).nanoseconds) / 1e9
        guard elapsed < self.seconds else {
            task.cancel()
            let cpu = processCPUSeconds() - self.cpuAtStart
            for channel in self.channels { channel.close(promise: nil) }
            print("{\"frames\":\(self.written),\"writeMicrosPerFrame\":\(cpu / Double(max(self.written, 1)) * 1e6)}")
            fflush(nil)
            exit(0)
        }
        let due = Int(elapsed * self.rate)
        while self.written < due {
            self.channels[self.next].writeAndFlush(self.frame, promise: nil)
            self.next = (self.next + 1) % self.channels.count
            self.written += 1
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let connections = Int(arguments[2]), let rate = Double(arguments[3]),
    let seconds = Double(arguments[4]), connections > 0, rate > 0, seconds > 0
else {
    print("usage: nio-write-baseline PORT-FILE CONNECTIONS FRAMES-PER-SECOND SECONDS")
    exit(2)
}
let writer = PacedWriter(connections: connections, rate: rate, seconds: seconds)
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let server = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 4096)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        writer.accepted(channel)
        return channel.eventLoop.makeSucceededVoidFuture()
    }
    .bind(host: "127.0.0.1", port: 0).wait()
let port = server.localAddress?.port ?? 0
let file = fopen(arguments[1], "w")
fputs("\(port)\n", file)
fclose(file)
try server.closeFuture.wait()
