import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// Recovery in cluster mode: the room's epoch and history are Redis', so a member recovers on any node what was
/// said on another while it was away.
final class ClusterRecoveryTests: XCTestCase {
    func testAMemberOnNodeBRecoversWhatWasSaidOnNodeAWhileItWasAway() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 2, redis: redis) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let alice = try await ChatTestClient.connect(a, name: "alice", room: "lobby")
            var bob = try await ChatTestClient.connect(b, name: "bob")
            let first = try await bob.join("lobby", since: 0)
            XCTAssertEqual(first.recovered, true)
            let epoch = try XCTUnwrap(first.epoch)
            try alice.send(.say(room: "lobby", content: "before", id: nil))
            let seen = try await bob.messages(1, in: "lobby")
            XCTAssertEqual(seen.map(\.seq), [1])

            // Bob goes away: node B has no member of the room left, and forgets it.
            await bob.close()
            _ = try await alice.next { frame in
                if case .presence("lobby", "bob", .leave) = frame { return true }
                return nil
            }
            for index in 1...3 { try alice.send(.say(room: "lobby", content: "missed \(index)", id: nil)) }
            let missed = try await alice.messages(3, in: "lobby")  // her copy of "before" went by above

            // Back on node B: exactly the three, with their seq and ts, and the same epoch.
            bob = try await ChatTestClient.connect(b, name: "bob")
            let back = try await bob.join("lobby", since: 1, epoch: epoch)
            XCTAssertEqual(back.epoch, epoch)
            XCTAssertEqual(back.recovered, true)
            XCTAssertEqual(back.seq, 4)
            XCTAssertEqual(back.messages, missed)

            // Node A, which followed the room all along, gives the same epoch.
            let carol = try await ChatTestClient.connect(a, name: "carol")
            let onA = try await carol.join("lobby", since: 2, epoch: epoch)
            XCTAssertEqual(onA.epoch, epoch)
            XCTAssertEqual(onA.recovered, true)
            XCTAssertEqual(onA.messages.map(\.seq), [3, 4])
        }
    }

    func testSinceBeyondTheClusterHistoryIsNotRecovered() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 2, redis: redis, { $0.historySize = 2 }) { nodes in
            let alice = try await ChatTestClient.connect(nodes[0], name: "alice", room: "news")
            for index in 1...4 { try alice.send(.say(room: "news", content: "item \(index)", id: nil)) }
            let said = try await alice.messages(4, in: "news")
            let bob = try await ChatTestClient.connect(nodes[1], name: "bob")
            let gap = try await bob.join("news", since: 1)
            XCTAssertEqual(gap.recovered, false)
            XCTAssertEqual(gap.firstSeq, 3)
            XCTAssertEqual(gap.messages, Array(said.suffix(2)))
        }
    }

    func testTheHistoryAgeLimitHoldsForHistoryFromRedis() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 2, redis: redis, { $0.historyMaxAge = .milliseconds(300) }) { nodes in
            let alice = try await ChatTestClient.connect(nodes[0], name: "alice", room: "news")
            try alice.send(.say(room: "news", content: "old", id: nil))
            let old = try await alice.messages(1, in: "news")
            let oldTs = try XCTUnwrap(old.first?.ts)
            try await eventually("the message to be older than 300 ms") {
                Int64(Date().timeIntervalSince1970 * 1000) > oldTs + 400
            }
            // Node B has never seen the room: its history comes from Redis, and is too old.
            let bob = try await ChatTestClient.connect(nodes[1], name: "bob")
            let joined = try await bob.join("news", since: 0)
            XCTAssertEqual(joined.recovered, false)
            XCTAssertEqual(joined.firstSeq, 2)
            XCTAssertEqual(joined.messages, [])
        }
    }
}
