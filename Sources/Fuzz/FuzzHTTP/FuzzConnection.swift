import ChatKit
import ChatKitServer
import FuzzSupport
import Logging
import NIOCore
import NIOEmbedded

/// One client connection to the server, in memory: an `EmbeddedChannel` with the server's real pipeline
/// (NIO's HTTP codec, the WebSocket upgrader, the server's handlers), fed the connection's bytes in chunks.
final class FuzzConnection {
    /// The bytes the client sends.
    let input: [UInt8]
    /// Everything the server wrote, in order.
    private(set) var output: [UInt8] = []
    /// Whether the connection was open once all its bytes were delivered.
    private(set) var isOpenAfterInput = false
    /// How many bytes of ``output`` the server had written by then.
    private(set) var outputCountAfterInput = 0
    /// Whether the connection was open after the handshake timeout had passed.
    private(set) var isOpenAfterTimeout = false

    private let channel: EmbeddedChannel
    private let loop: EmbeddedEventLoop

    private static let logger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

    init(input: [UInt8], loop: EmbeddedEventLoop, server: ServerContext) {
        self.input = input
        self.loop = loop
        self.channel = EmbeddedChannel(loop: loop)
        do {
            try self.channel.pipeline.syncOperations.addHandler(ClosedSocketWrites())
            try ChatServer.configureHTTP(channel: self.channel, context: server, logger: Self.logger)
            try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
        } catch {
            fuzzFail("cannot set up a connection: \(error)")
        }
    }

    /// Delivers the input in chunks of 1 to 128 bytes (sizes derived from the input, so a run is
    /// reproducible), running the event loop after each, until it is all sent or the server closed.
    func deliverInput() {
        var random = SeededRandom(seed: Self.hash(self.input))
        var index = 0
        while index < self.input.count, self.channel.isActive {
            let end = min(self.input.count, index + 1 + Int(random.next() % 128))
            do {
                try self.channel.writeInbound(ByteBuffer(bytes: self.input[index..<end]))
            } catch {
                fuzzFail("an error went past the server's handlers: \(error)")
            }
            self.loop.run()
            index = end
        }
        self.collectOutput()
        self.isOpenAfterInput = self.channel.isActive
        self.outputCountAfterInput = self.output.count
    }

    /// Moves what the server has written since the last call to ``output``.
    func collectOutput() {
        while true {
            let buffer: ByteBuffer?
            do {
                buffer = try self.channel.readOutbound(as: ByteBuffer.self)
            } catch {
                fuzzFail("the server wrote something other than bytes: \(error)")
            }
            guard let buffer else { return }
            self.output += buffer.readableBytesView
        }
    }

    /// Records, after the test moved the clock past the handshake timeout, whether the connection is open.
    func noteTimeoutPassed() {
        self.collectOutput()
        self.isOpenAfterTimeout = self.channel.isActive
    }

    /// Closes the connection from the client side, as a dropped TCP connection does.
    func close() {
        self.channel.close(promise: nil)
        self.loop.run()
        self.collectOutput()
    }

    /// FNV-1a of the bytes: the seed of the chunk sizes.
    private static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
