import ChatKit
import Foundation
import XCTest

/// RFC 6455 behaviour of the server's WebSocket layer, driven with hand-made frames over loopback.
final class WebSocketProtocolTests: XCTestCase {
    private let text: UInt8 = 0x1, binary: UInt8 = 0x2, continuation: UInt8 = 0x0
    private let close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    /// Opens a raw connection as `name` in room `lobby` and waits for the welcome, joined and history frames.
    private func rawMember(_ server: ChatServer, _ name: String) async throws -> RawTCPClient {
        let client = try await RawTCPClient.connect(port: server.port)
        try await client.sendUpgrade(target: "/ws?name=\(name)&room=lobby")
        try await eventually("welcome, joined, history") { client.serverFrames.count >= 3 }
        XCTAssertTrue(client.text.hasPrefix("HTTP/1.1 101"), client.text)
        return client
    }

    private func say(_ content: String) -> [UInt8] {
        Array(ClientFrame.say(room: "lobby", content: content, id: nil).encoded().utf8)
    }

    private func closesWith(_ frames: [UInt8], code: UInt16, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await withServer({ $0.webSocket.maxMessageBytes = 1024 }) { server in
            let client = try await self.rawMember(server, "peer")
            try await client.write(frames)
            try await client.channel.closeFuture.get()
            XCTAssertEqual(client.closeCode, code, file: file, line: line)
        }
    }

    func testFragmentedMessageWithInterleavedPingIsReassembled() async throws {
        try await withServer { server in
            let client = try await self.rawMember(server, "frag")
            let payload = self.say("fragmented hello")
            var bytes = RawTCPClient.frame(opcode: self.text, payload: Array(payload[0..<10]), fin: false)
            bytes += RawTCPClient.frame(opcode: self.ping, payload: Array("are you there".utf8))
            bytes += RawTCPClient.frame(opcode: self.continuation, payload: Array(payload[10..<20]), fin: false)
            bytes += RawTCPClient.frame(opcode: self.continuation, payload: Array(payload[20...]), fin: true)
            try await client.write(bytes)
            try await eventually("pong and message") { client.serverFrames.count >= 5 }
            let frames = client.serverFrames
            XCTAssertEqual(frames[3].opcode, self.pong)
            XCTAssertEqual(frames[3].payload, Array("are you there".utf8))
            guard case .message(let message) = try ServerFrame.decode(String(decoding: frames[4].payload, as: UTF8.self)) else {
                return XCTFail("not a message")
            }
            XCTAssertEqual(message.content, "fragmented hello")
            await client.close()
        }
    }

    func testCloseHandshakeEchoesTheCode() async throws {
        try await withServer { server in
            let client = try await self.rawMember(server, "closer")
            try await client.write(RawTCPClient.frame(opcode: self.close, payload: [0x0F, 0xA0] + Array("bye".utf8)))
            try await client.channel.closeFuture.get()
            XCTAssertEqual(client.closeCode, 4000)
        }
    }

    func testProtocolErrorsClose1002() async throws {
        try await self.closesWith(RawTCPClient.frame(opcode: self.text, payload: self.say("x"), masked: false), code: 1002)
        try await self.closesWith(RawTCPClient.frame(opcode: self.continuation, payload: [0x61]), code: 1002)
        try await self.closesWith(RawTCPClient.frame(opcode: self.text, payload: self.say("x"), rsv: 0x40), code: 1002)
        try await self.closesWith(RawTCPClient.frame(opcode: 0x3, payload: [0x61]), code: 1002)
        try await self.closesWith(RawTCPClient.frame(opcode: self.ping, payload: [0x61], fin: false), code: 1002)
        try await self.closesWith(RawTCPClient.frame(opcode: self.close, payload: [0x03, 0xEC]), code: 1002)  // 1004
        let started = RawTCPClient.frame(opcode: self.text, payload: [0x61], fin: false)
        try await self.closesWith(started + RawTCPClient.frame(opcode: self.text, payload: [0x62]), code: 1002)
    }

    func testInvalidUTF8Closes1007() async throws {
        try await self.closesWith(RawTCPClient.frame(opcode: self.text, payload: [0x22, 0xC3, 0x28, 0x22]), code: 1007)
        let partial = RawTCPClient.frame(opcode: self.text, payload: [0xE2, 0x82], fin: false)
        try await self.closesWith(partial + RawTCPClient.frame(opcode: self.continuation, payload: [0x28]), code: 1007)
    }

    func testMessagesOverTheLimitClose1009() async throws {
        let big = [UInt8](repeating: 0x61, count: 1025)
        try await self.closesWith(RawTCPClient.frame(opcode: self.text, payload: big), code: 1009)
        // The limit applies to the reassembled message, not just to each fragment.
        let half = [UInt8](repeating: 0x61, count: 600)
        let fragments = RawTCPClient.frame(opcode: self.text, payload: half, fin: false)
            + RawTCPClient.frame(opcode: self.continuation, payload: half)
        try await self.closesWith(fragments, code: 1009)
    }

    func testPeerThatStopsAnsweringPingsIsRemoved() async throws {
        try await withServer({
            $0.webSocket.pingInterval = .milliseconds(200)
            $0.webSocket.deadPeerTimeout = .milliseconds(150)
        }) { server in
            let watcher = try await ChatTestClient.connect(server, name: "watcher", room: "lobby")
            // A half-open peer: it completed the handshake, then never reads nor answers.
            let ghost = try await RawTCPClient.connect(port: server.port, autoRead: false)
            try await ghost.sendUpgrade(target: "/ws?name=ghost&room=lobby")
            try await watcher.expect(.presence(room: "lobby", name: "ghost", event: .join))
            let started = ContinuousClock.now
            try await watcher.expect(.presence(room: "lobby", name: "ghost", event: .leave))
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(3))
            // The watcher, whose client answers pings, is still there.
            try watcher.send(.users(room: "lobby", id: nil))
            try await watcher.expect(.users(room: "lobby", names: ["watcher"], id: nil))
            await ghost.close()
        }
    }
}
