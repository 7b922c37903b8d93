import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import ChatKitTestSupport
import NIOCore
import NIOEmbedded
import NIOWebSocket
import XCTest

/// `WebSocketHandler` in memory (EmbeddedChannel, no sockets): the behaviours the Autobahn cases revealed.
final class WebSocketHandlerTests: XCTestCase {
    /// Echoes what it receives and records what the handler told it.
    private final class RecordingEchoDelegate: WebSocketDelegate {
        var events: [String] = []

        func webSocketDidOpen(_ connection: WebSocketConnection) { self.events.append("open") }

        func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
            self.events.append("text \(text)")
            connection.send(text: text)
        }

        func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
            self.events.append("binary \(data.readableBytes)")
            connection.send(binary: data)
        }

        func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
            self.events.append("close \(code)")
        }
    }

    private func serverChannel() throws -> (EmbeddedChannel, RecordingEchoDelegate) {
        let delegate = RecordingEchoDelegate()
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let handler = WebSocketHandler(
            role: .server, configuration: WebSocketConfiguration(pingInterval: nil), delegate: delegate)
        try channel.pipeline.syncOperations.addHandler(handler)
        return (channel, delegate)
    }

    /// A client frame; the all-zero mask key leaves the payload as it is on the wire.
    private func clientFrame(
        _ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true, rsv2: Bool = false
    ) -> WebSocketFrame {
        WebSocketFrame(
            fin: fin, rsv2: rsv2, opcode: opcode, maskKey: WebSocketMaskingKey([0, 0, 0, 0]),
            data: ByteBuffer(bytes: bytes))
    }

    /// The frames the handler wrote, read back from the bytes with NIO's own decoder (unmasked).
    private func outbound(_ channel: EmbeddedChannel) throws -> [(WebSocketOpcode, [UInt8])] {
        var wire = ByteBuffer()
        while var bytes = try channel.readOutbound(as: ByteBuffer.self) {
            wire.writeBuffer(&bytes)
        }
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        defer { _ = try? decoder.finish() }
        try decoder.writeInbound(wire)
        var frames: [(WebSocketOpcode, [UInt8])] = []
        while let frame = try decoder.readInbound(as: WebSocketFrame.self) {
            XCTAssertTrue(frame.fin)
            frames.append((frame.opcode, Array(frame.unmaskedData.readableBytesView)))
        }
        return frames
    }

    private func closeCode(_ payload: [UInt8]) -> UInt16? {
        payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
    }

    /// Autobahn 3.2: a message, then a frame with a reserved bit set, in one read. The echo of the first
    /// message was queued before the bad frame arrived: it goes out, then the 1002 close.
    func testFailureCloseFollowsRepliesAlreadyQueued() throws {
        let (channel, delegate) = try self.serverChannel()
        try channel.writeInbound(self.clientFrame(.text, Array("Hello, world!".utf8)))
        try channel.writeInbound(self.clientFrame(.text, Array("Hello, world!".utf8), rsv2: true))
        channel.embeddedEventLoop.run()

        let frames = try self.outbound(channel)
        XCTAssertEqual(frames.map(\.0), [.text, .connectionClose])
        XCTAssertEqual(frames.first?.1, Array("Hello, world!".utf8))
        XCTAssertEqual(frames.last.flatMap { self.closeCode($0.1) }, 1002)
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(delegate.events, ["open", "text Hello, world!", "close 1002"])
    }

    /// Autobahn 6.4.1: a fragmented text message is refused at the fragment that makes it invalid, without
    /// waiting for the last fragment.
    func testFragmentedTextFailsAtTheFirstInvalidFragment() throws {
        let (channel, delegate) = try self.serverChannel()
        try channel.writeInbound(self.clientFrame(.text, Array("κόσμε".utf8), fin: false))
        XCTAssertTrue(try self.outbound(channel).isEmpty)
        // F4 90 80 80 would be U+110000, past the last code point.
        try channel.writeInbound(self.clientFrame(.continuation, [0xF4, 0x90, 0x80, 0x80], fin: false))
        channel.embeddedEventLoop.run()

        let frames = try self.outbound(channel)
        XCTAssertEqual(frames.map(\.0), [.connectionClose])
        XCTAssertEqual(frames.first.flatMap { self.closeCode($0.1) }, 1007)
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(delegate.events, ["open", "close 1007"])
    }

    /// Autobahn 6.4.2: even a partial code point that can no longer become valid fails at once.
    func testFragmentEndingInAnImpossiblePrefixFails() throws {
        let (channel, _) = try self.serverChannel()
        try channel.writeInbound(self.clientFrame(.text, Array("ok".utf8), fin: false))
        try channel.writeInbound(self.clientFrame(.continuation, [0xF4, 0x90], fin: false))
        let frames = try self.outbound(channel)
        XCTAssertEqual(frames.first.flatMap { self.closeCode($0.1) }, 1007)
    }

    /// A code point split across fragments is fine; one left unfinished at the end of the message is not.
    func testCodePointsSplitAcrossFragments() throws {
        let (channel, delegate) = try self.serverChannel()
        let text = Array("é€😀".utf8)
        try channel.writeInbound(self.clientFrame(.text, Array(text[0..<1]), fin: false))
        try channel.writeInbound(self.clientFrame(.continuation, Array(text[1..<4]), fin: false))
        try channel.writeInbound(self.clientFrame(.continuation, Array(text[4..<7]), fin: false))
        try channel.writeInbound(self.clientFrame(.continuation, Array(text[7...]), fin: true))
        channel.embeddedEventLoop.run()
        XCTAssertEqual(delegate.events, ["open", "text é€😀"])
        XCTAssertEqual(try self.outbound(channel).map(\.1), [text])

        try channel.writeInbound(self.clientFrame(.text, [0x61, 0xC3], fin: false))
        try channel.writeInbound(self.clientFrame(.continuation, [], fin: true))
        let frames = try self.outbound(channel)
        XCTAssertEqual(frames.last.flatMap { self.closeCode($0.1) }, 1007)
        XCTAssertEqual(delegate.events.last, "close 1007")
    }

    /// Fragmented binary messages are not validated as text.
    func testFragmentedBinaryIsNotValidatedAsText() throws {
        let (channel, delegate) = try self.serverChannel()
        try channel.writeInbound(self.clientFrame(.binary, [0xFF, 0xFE], fin: false))
        try channel.writeInbound(self.clientFrame(.continuation, [0xF4, 0x90], fin: true))
        channel.embeddedEventLoop.run()
        XCTAssertEqual(delegate.events, ["open", "binary 4"])
        XCTAssertEqual(try self.outbound(channel).map(\.1), [[0xFF, 0xFE, 0xF4, 0x90]])
    }

    /// When the peer drops TCP while the upgrade completes, the handler joins a channel that is already
    /// inactive and will never see channelInactive: the delegate still gets its open and its close.
    func testHandlerAddedToAClosedChannelReportsOpenThenClose() throws {
        let delegate = RecordingEchoDelegate()
        let channel = EmbeddedChannel()
        XCTAssertFalse(channel.isActive)
        let handler = WebSocketHandler(
            role: .client, configuration: WebSocketConfiguration(pingInterval: nil), delegate: delegate)
        try channel.pipeline.syncOperations.addHandler(handler)
        // Frames that came with the handshake are replayed right after the handler is added: they are
        // delivered before the close, which comes on the next loop pass.
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "last words")))
        XCTAssertEqual(delegate.events, ["open", "text last words"])
        channel.embeddedEventLoop.run()
        XCTAssertEqual(delegate.events, ["open", "text last words", "close 1006"])
        XCTAssertNil(handler.connection)
    }
}
