import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import Foundation
import NIOCore
import NIOPosix
import XCTest

/// The join rate limits, per connection and per peer address: a join over either gets `join_rate_limited` (naming
/// the limit) before the hub is called, so join/leave loops cannot replay a room's history at will and a join storm
/// cannot drop a room's members as slow consumers while a bystander pair chats on.
final class JoinStormTests: XCTestCase {
    /// 3000 connections joining one room at once; 300 under a sanitizer (`make test` and `make sanitize` set
    /// CHATKIT_SANITIZER), which slows every handshake several times.
    static let stormSize = ProcessInfo.processInfo.environment["CHATKIT_SANITIZER"] == nil ? 3000 : 300
    /// The longest a bystander's message may take to reach the other bystander once the storm's requests are read.
    static let bystanderLatencyBound: Duration =
        ProcessInfo.processInfo.environment["CHATKIT_SANITIZER"] == nil ? .milliseconds(300) : .milliseconds(1500)
    /// The longest the first one may take: it waits behind the storm's requests, all read at once. Measured on this
    /// 2-core machine shared with builds (debug): 0.3 to 0.9 s for 3000 requests, whether 60 or 1 of them or 340
    /// become joins; without the per-address limit the bystander waits more than 10 s.
    static let firstMessageLatencyBound: Duration =
        ProcessInfo.processInfo.environment["CHATKIT_SANITIZER"] == nil ? .milliseconds(1500) : .seconds(3)

    func testJoinsOverTheConnectionsLimitAreRefusedAndOtherRequestsGoOn() async throws {
        // One token per 100 s: however slow the machine, none comes back during the test.
        try await withServer({ $0.joinRatePerConnection = RateLimit(perSecond: 0.01, burst: 5) }) { server in
            let hopper = try await ChatTestClient.connect(server, name: "hopper")
            for index in 0..<5 { try await hopper.join("r\(index)") }
            try hopper.send(.join(room: "r5", id: "j5"))
            guard case .error(.joinRateLimited, let message, "j5") = try await hopper.next() else {
                return XCTFail("the sixth join was not refused")
            }
            XCTAssertTrue(message.contains("0.01/s (burst 5) per connection"), message)
            XCTAssertFalse(message.contains("--"), "a library message names a flag: \(message)")
            XCTAssertNil(server.hub.memberDetails(room: "r5"), "a refused join made its room")

            // The join/leave replay of a room's history: the leave goes through, the join again does not.
            try hopper.send(.leave(room: "r0", id: "l0"))
            guard case .left("r0", _, "l0") = try await hopper.next() else { return XCTFail("no left") }
            try hopper.send(.join(room: "r0", id: "j0"))
            guard case .error(.joinRateLimited, _, "j0") = try await hopper.next() else {
                return XCTFail("the join after a leave was not refused")
            }
            // Other requests are not joins.
            try hopper.send(.say(room: "r1", content: "still talking", id: "s1"))
            guard case .message(let said) = try await hopper.next() else { return XCTFail("no message") }
            XCTAssertEqual(said.content, "still talking")
            XCTAssertEqual(server.stats.snapshot.errors["join_rate_limited"], 2)
            await hopper.close()
        }
    }

    func testJoinsOverTheAddressLimitAreRefusedForEveryConnectionOfThatAddressOnly() async throws {
        try await withServer({
            $0.joinRatePerIP = RateLimit(perSecond: 0.01, burst: 3)
            $0.joinRatePerConnection = nil
        }) { server in
            let ann = try await ChatTestClient.connect(server, name: "ann")
            let ben = try await ChatTestClient.connect(server, name: "ben")
            try await ann.join("x1")
            try await ann.join("x2")
            try await ben.join("y1")
            // The address's bucket is empty: ben, who joined once, is refused too.
            try ben.send(.join(room: "y2", id: "b2"))
            guard case .error(.joinRateLimited, let message, "b2") = try await ben.next() else {
                return XCTFail("the address's fourth join was not refused")
            }
            XCTAssertTrue(message.contains("127.0.0.1"), message)
            XCTAssertTrue(message.contains("0.01/s (burst 3)"), message)
            XCTAssertTrue(message.contains("for all its connections together"), message)

            // Another address has a bucket of its own.
            let far = try await RawTCPClient.connect(port: server.port, from: "127.0.0.4")
            try await far.sendUpgrade(target: "/ws?name=far")
            try await eventually("far connected") { server.hub.isNameTaken("far") && far.text.contains("welcome") }
            try await far.write(RawTCPClient.frame(opcode: 0x1, payload: Array(#"{"type":"join","room":"y2"}"#.utf8)))
            try await eventually("far joined y2") {
                server.hub.memberDetails(room: "y2")?.contains { $0.name == "far" } == true
            }
            XCTAssertEqual(server.stats.snapshot.errors["join_rate_limited"], 1)
            await far.close()
            await ann.close()
            await ben.close()
        }
    }

    func testAJoinStormFromOneAddressDropsNobodyAndABystanderPairChatsOnTime() async throws {
        let size = Self.stormSize
        let rate = RateLimit(perSecond: 20, burst: 50)
        try await withServer({ $0.joinRatePerIP = rate }) { server in
            // The bystanders' room is in their URL: part of the handshake, not a join.
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "quiet")
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "quiet")
            _ = try await alice.next()  // bob's presence

            let group = MultiThreadedEventLoopGroup.singleton
            let url = try WebSocketURL(server.url)
            var futures: [EventLoopFuture<WebSocketClient.Opened>] = []
            for index in 0..<size {
                var target = url
                target.requestTarget = "/ws?name=storm-\(index)"
                futures.append(WebSocketClient.connect(
                    to: target, configuration: ClientConfiguration(connectTimeout: .seconds(60)), eventLoop: group.next(),
                    makeDelegate: { DiscardingDelegate() }))
            }
            let storm = try await EventLoopFuture.whenAllSucceed(futures, on: group.next()).get()

            // Every storm connection asks to join one room at once (without the limit: N²/2 presence frames, and
            // members whose queues overflow are dropped); meanwhile alice talks to bob.
            let started = ContinuousClock.now
            let join = ClientFrame.join(room: "storm", id: nil).encoded()
            for opened in storm { _ = opened.connection.send(text: join) }
            var first = Duration.zero
            var slowest = Duration.zero
            for index in 0..<20 {
                let sent = ContinuousClock.now
                try alice.send(.say(room: "quiet", content: "during the storm \(index)", id: nil))
                let received = try await bob.next { frame -> String? in
                    if case .message(let message) = frame { return message.content }
                    return nil
                }
                XCTAssertEqual(received, "during the storm \(index)", "bob lost or reordered a message")
                let waited = ContinuousClock.now - sent
                if index == 0 { first = waited } else { slowest = max(slowest, waited) }
            }

            // Every join is answered: made, or refused as join_rate_limited.
            var joined = 0
            var refused = 0
            try await eventually("every join answered", timeout: .seconds(60)) {
                joined = server.hub.memberDetails(room: "storm")?.count ?? 0
                refused = server.stats.snapshot.errors["join_rate_limited"] ?? 0
                return joined + refused == size
            }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            XCTAssertGreaterThanOrEqual(joined, min(size, rate.burst), "the burst goes through")
            XCTAssertLessThanOrEqual(joined, rate.burst + Int((rate.perSecond * seconds).rounded(.up)), "in \(elapsed)")

            // Nobody was dropped: the server's own accounting.
            XCTAssertEqual(server.stats.snapshot.slowConsumersDropped, 0, "members dropped as slow consumers")
            XCTAssertEqual(server.stats.snapshot.connectionsCurrent, size + 2)
            XCTAssertLessThanOrEqual(first, Self.firstMessageLatencyBound, "the first message took \(first)")
            XCTAssertLessThanOrEqual(slowest, Self.bystanderLatencyBound, "a bystander waited \(slowest)")
            for opened in storm { opened.connection.close() }
            await alice.close()
            await bob.close()
        }
    }
}

/// A client delegate that ignores everything (storm connections).
private final class DiscardingDelegate: WebSocketDelegate {
    func webSocketDidOpen(_ connection: WebSocketConnection) {}
    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {}
    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {}
    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {}
}
