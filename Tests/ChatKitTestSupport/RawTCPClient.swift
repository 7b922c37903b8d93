import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A plain TCP connection for tests that must misbehave: send broken handshakes, hand-made frames,
/// half a request, or never read at all.
package final class RawTCPClient: Sendable {
    package let channel: Channel
    private let received: NIOLockedValueBox<[UInt8]>

    private init(channel: Channel, received: NIOLockedValueBox<[UInt8]>) {
        self.channel = channel
        self.received = received
    }

    /// Connects to 127.0.0.1:`port`. With `autoRead: false` the client never reads: the server's writes
    /// pile up in the kernel, as with a stuck peer. `from` binds the client's end to another loopback address
    /// (any of 127.0.0.0/8 on Linux), for limits per peer address.
    package static func connect(
        port: Int, autoRead: Bool = true, receiveBufferBytes: Int? = nil, from sourceAddress: String? = nil
    ) async throws -> RawTCPClient {
        let received = NIOLockedValueBox<[UInt8]>([])
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: autoRead)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
        if let receiveBufferBytes {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: .init(receiveBufferBytes))
        }
        if let sourceAddress {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: sourceAddress, port: 0))
        }
        let channel = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
        return RawTCPClient(channel: channel, received: received)
    }

    package func write(_ text: String) async throws {
        try await self.write(Array(text.utf8))
    }

    package func write(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Everything received so far.
    package var bytes: [UInt8] { self.received.withLockedValue { $0 } }
    package var text: String { String(decoding: self.bytes, as: UTF8.self) }

    package var isOpen: Bool { self.channel.isActive }

    /// Sends a standard upgrade request for `target` with extra header lines.
    package func sendUpgrade(target: String, headers: [String] = []) async throws {
        var request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for header in headers { request += header + "\r\n" }
        request += "\r\n"
        try await self.write(request)
    }

    /// A masked client frame, as RFC 6455 section 5.2 lays it out.
    package static func frame(
        opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0
    ) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        guard masked else { return bytes + payload }
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        bytes += key
        bytes += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        return bytes
    }

    /// The frames the server sent after its handshake response, as (opcode, payload); a partial last
    /// frame is left out.
    package var serverFrames: [(opcode: UInt8, payload: [UInt8])] {
        let bytes = self.bytes
        guard let headerEnd = Self.find([13, 10, 13, 10], in: bytes) else { return [] }
        var frames: [(UInt8, [UInt8])] = []
        var index = headerEnd + 4
        while index + 2 <= bytes.count {
            let opcode = bytes[index] & 0x0F
            var length = Int(bytes[index + 1] & 0x7F)
            var offset = index + 2
            if length == 126 {
                guard offset + 2 <= bytes.count else { break }
                length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                offset += 2
            } else if length == 127 {
                guard offset + 8 <= bytes.count else { break }
                length = bytes[offset..<offset + 8].reduce(0) { $0 << 8 | Int($1) }
                offset += 8
            }
            guard offset + length <= bytes.count else { break }
            frames.append((opcode, Array(bytes[offset..<offset + length])))
            index = offset + length
        }
        return frames
    }

    /// The status code of the server's close frame, once it has arrived.
    package var closeCode: UInt16? {
        guard let close = self.serverFrames.first(where: { $0.opcode == 0x8 }), close.payload.count >= 2 else {
            return nil
        }
        return UInt16(close.payload[0]) << 8 | UInt16(close.payload[1])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
            return start
        }
        return nil
    }

    package func close() async { try? await self.channel.close() }

    private final class Collector: ChannelInboundHandler, Sendable {
        package typealias InboundIn = ByteBuffer
        package let received: NIOLockedValueBox<[UInt8]>
        package init(received: NIOLockedValueBox<[UInt8]>) { self.received = received }
        package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data)
            self.received.withLockedValue { $0 += buffer.readableBytesView }
        }
    }
}
