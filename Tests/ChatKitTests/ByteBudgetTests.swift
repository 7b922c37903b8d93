import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import Foundation
import XCTest

/// Every connection's outbound memory is bounded in bytes: a peer that never reads cannot grow the server by
/// flooding pings or by joining a room with a large history again and again, and a bystander loses nothing.
final class ByteBudgetTests: XCTestCase {
    /// A chat user that never reads, with a small receive buffer so the server's socket fills at once.
    private func stuckUser(_ server: ChatServer, name: String, room: String) async throws -> RawTCPClient {
        let stuck = try await RawTCPClient.connect(port: server.port, autoRead: false, receiveBufferBytes: 2048)
        try await stuck.sendUpgrade(target: "/ws?name=\(name)&room=\(room)")
        try await eventually("\(name) joined") { server.hub.memberDetails(room: room)?.contains { $0.name == name } == true }
        return stuck
    }

    func testAPingFloodFromAPeerThatNeverReadsKeepsOnePongAndABystanderLosesNothing() async throws {
        try await withServer { server in
            let flooder = try await self.stuckUser(server, name: "flooder", room: "flood")
            defer { Task { await flooder.close() } }
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "quiet")
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "quiet")
            _ = try await alice.next()  // bob's presence

            // 100 000 pings of 125 bytes: 12.5 MB of pongs if each were answered into the buffers (the kernel's socket
            // buffers take the first few MB).
            let ping = RawTCPClient.frame(opcode: 0x9, payload: Array(repeating: 0x70, count: 125))
            let batch = Array([[UInt8]](repeating: ping, count: 500).joined())
            for round in 0..<200 {
                try await flooder.write(batch)
                if round % 50 == 49 { try alice.send(.say(room: "quiet", content: "round \(round)", id: nil)) }
            }
            let connection = try XCTUnwrap(server.hub.connection(of: "flooder"))
            // A join after the pings: once the server has made it, it has read (and answered or held) every ping.
            let join = #"{"type":"join","room":"after-flood"}"#
            try await flooder.write(RawTCPClient.frame(opcode: 0x1, payload: Array(join.utf8)))
            try await eventually("every ping read", timeout: .seconds(120)) {
                server.hub.memberDetails(room: "after-flood")?.contains { $0.name == "flooder" } == true
            }
            var held = 0
            for _ in 0..<10 { held = max(held, await connection.outboundBytes()) }
            XCTAssertLessThan(held, 256 * 1024, "the server held \(held) bytes for a peer that never reads")

            // The bystanders in another room got every message, in order.
            for round in [49, 99, 149, 199] {
                guard case .message(let message) = try await bob.next() else { return XCTFail("expected a message") }
                XCTAssertEqual(message.content, "round \(round)")
            }
        }
    }

    func testRepeatedJoinsOfALargeHistoryDropAStuckPeerAtItsByteBudget() async throws {
        try await withServer({ $0.webSocket.sendQueueBytes = 1024 * 1024 }) { server in
            // A room whose history holds 50 messages of 8000 bytes: every join replays about 400 KB.
            let writer = try await ChatTestClient.connect(server, name: "writer", room: "big")
            let content = String(repeating: "h", count: 8000)
            for _ in 0..<50 { try writer.send(.say(room: "big", content: content, id: nil)) }
            var echoed = 0
            while echoed < 50 { if case .message = try await writer.next() { echoed += 1 } }

            let stuck = try await self.stuckUser(server, name: "stuck", room: "lobby")
            defer { Task { await stuck.close() } }
            let connection = try XCTUnwrap(server.hub.connection(of: "stuck"))
            let dropped = server.stats.snapshot.slowConsumersDropped
            var joins = 0
            // Join and leave up to 40 times (16 MB of history if every replay were queued; a queue bounded only in
            // messages, 1024, would take over 300 pairs). The kernel's socket buffers take the first few MB.
            while joins < 40 && server.stats.snapshot.slowConsumersDropped == dropped {
                let join = #"{"type":"join","room":"big"}"#, leave = #"{"type":"leave","room":"big"}"#
                try await stuck.write(RawTCPClient.frame(opcode: 0x1, payload: Array(join.utf8)))
                try await stuck.write(RawTCPClient.frame(opcode: 0x1, payload: Array(leave.utf8)))
                joins += 1
                XCTAssertLessThanOrEqual(connection.queuedBytes, 1024 * 1024 + 8 * 1024 * 50)
                try await Task.sleep(for: .milliseconds(5))
            }
            try await eventually("the stuck peer dropped as a slow consumer", timeout: .seconds(20)) {
                server.stats.snapshot.slowConsumersDropped == dropped + 1
            }
            // The writer, in the room all along (seeing the stuck peer come and go), still chats.
            try writer.send(.say(room: "big", content: "still here", id: nil))
            let echo = try await writer.next { frame -> String? in
                if case .message(let message) = frame { return message.content }
                return nil
            }
            XCTAssertEqual(echo, "still here")
        }
    }
}
