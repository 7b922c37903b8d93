import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import ChatKitTestSupport
import Foundation
import NIOPosix
import XCTest

/// Several chat servers sharing one real redis-server: rooms, whispers, presence, history and names span the
/// nodes, and every member sees a room's messages in one `seq` order.
final class ClusterTests: XCTestCase {
    private func skipPresence(_ client: ChatTestClient) async throws -> ServerFrame {
        try await client.next { frame in
            if case .presence = frame { return nil }
            return frame
        }
    }

    func testRoomsWhispersPresenceHistoryAndNamesSpanTwoNodes() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 2, redis: redis, { $0.adminToken = "secret" }) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let alice = try await ChatTestClient.connect(a, name: "alice", room: "lobby")
            let bob = try await ChatTestClient.connect(b, name: "bob")
            let joined = try await bob.join("lobby")
            XCTAssertEqual(joined.seq, 0)
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))

            // One order for both nodes, the sender's own copy included.
            try alice.send(.say(room: "lobby", content: "hi bob", id: "a1"))
            try bob.send(.say(room: "lobby", content: "hi alice", id: "b1"))
            var seen: [String: [ChatMessage]] = [:]
            for client in [alice, bob] {
                for _ in 0..<2 {
                    guard case .message(let message) = try await client.next() else {
                        return XCTFail("expected a message")
                    }
                    seen[client.name, default: []].append(message)
                }
            }
            XCTAssertEqual(seen["alice"]?.map(\.seq), [1, 2])
            XCTAssertEqual(seen["alice"], seen["bob"])

            // A whisper to a user on the other node, and its echo.
            try alice.send(.whisper(to: "bob", content: "psst", id: "w1"))
            guard case .whisper(let whisper) = try await bob.next() else { return XCTFail("no whisper") }
            XCTAssertEqual([whisper.from, whisper.to, whisper.content, whisper.id], ["alice", "bob", "psst", "w1"])
            guard case .whisper(let echo) = try await alice.next() else { return XCTFail("no echo") }
            XCTAssertEqual(echo, whisper)
            // Addressed to a look-alike of bob's name, it reaches bob under his own name.
            try alice.send(.whisper(to: "BOB", content: "psst", id: "w3"))
            guard case .whisper(let lookAlike) = try await bob.next() else { return XCTFail("no whisper to BOB") }
            XCTAssertEqual([lookAlike.to, lookAlike.id], ["bob", "w3"])
            guard case .whisper = try await alice.next() else { return XCTFail("no echo of w3") }
            try alice.send(.whisper(to: "nobody", content: "x", id: "w2"))
            guard case .error(.unknownUser, _, "w2") = try await alice.next() else {
                return XCTFail("expected unknown_user")
            }

            // The member list is the cluster's.
            try bob.send(.users(room: "lobby", id: "u"))
            try await bob.expect(.users(room: "lobby", names: ["alice", "bob"], id: "u"))

            // Shared history: a newcomer on either node gets the same.
            let carol = try await ChatTestClient.connect(b, name: "carol")
            let carolJoin = try await carol.join("lobby")
            XCTAssertEqual(carolJoin.seq, 2)
            XCTAssertEqual(carolJoin.history, seen["alice"])

            // An announcement posted through node B reaches node A's members with the next seq.
            let posted = try await httpRequest(
                port: b.port, method: "POST", path: "/admin/rooms/lobby/messages",
                headers: ["Authorization: Bearer secret"], body: #"{"content":"maintenance"}"#)
            XCTAssertEqual(posted.status, 201, posted.body)
            XCTAssertEqual(posted.json["seq"] as? Int, 3)
            let nowhere = try await httpRequest(
                port: b.port, method: "POST", path: "/admin/rooms/nowhere/messages",
                headers: ["Authorization: Bearer secret"], body: #"{"content":"x"}"#)
            XCTAssertEqual(nowhere.status, 404, nowhere.body)
            let health = try await httpRequest(port: a.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.json["cluster"] as? String, "ready")
            XCTAssertEqual(health.json["node"] as? String, "node-0")
            guard case .message(let announcement) = try await self.skipPresence(alice) else {
                return XCTFail("no announcement")
            }
            XCTAssertEqual([announcement.from, announcement.content], ["@system", "maintenance"])
            XCTAssertEqual(announcement.seq, 3)

            // A name is unique across the cluster, by its confusable-safe key (ALICE, Cyrillic аlice).
            for name in ["alice", "ALICE", "%D0%B0lice"] {
                do {
                    _ = try await ChatTestClient.connect(b, name: name)
                    XCTFail("\(name) connected beside alice")
                } catch let error as WebSocketClientError {
                    guard case .handshakeRejected(409, let body) = error else { return XCTFail("\(error)") }
                    XCTAssertTrue(body.contains("name_taken"), body)
                }
            }

            // Leaving: `left` carries the seq, and the others on both nodes see presence.
            try carol.send(.leave(room: "lobby", id: "l"))
            try await carol.expect(.message(announcement))
            try await carol.expect(.left(room: "lobby", seq: 3, id: "l"))
            try await alice.expect(.presence(room: "lobby", name: "carol", event: .leave))
            try await bob.expect(.presence(room: "lobby", name: "carol", event: .join))
            try await bob.expect(.message(announcement))
            try await bob.expect(.presence(room: "lobby", name: "carol", event: .leave))

            // A disconnect frees the name everywhere.
            await bob.close()
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))
            let bobAgain = try await ChatTestClient.connect(a, name: "bob", room: "lobby")
            await bobAgain.close()
            await alice.close()
            await carol.close()
        }
    }

    func testTwoLoadRunnersOnTwoNodesCountEveryCopyInOrder() async throws {
        // 8 users in one room, half on each node; each says 10 messages after everyone has joined: every member
        // must get all 80 messages exactly once, in seq order, whichever node it is on: 640 copies.
        let scenario = try ScenarioParser.parse(
            Data(
                #"""
                {"name":"cluster","seed":5,
                 "groups":[{"name":"g","count":8,"namePattern":"u-{i}","rooms":["room"],
                            "script":[{"wait":"1500ms"},{"say":{"room":"room","size":40,"count":10,"rate":"50/s"}}]}],
                 "phases":[{"type":"rampUp","duration":"200ms"},{"type":"script","duration":"20s"}],
                 "drain":"3s",
                 "thresholds":{"delivery.lost":"== 0","delivery.outOfOrder":"== 0","delivery.duplicated":"== 0"}}
                """#.utf8))
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 2, redis: redis) { nodes in
            async let first = LoadRunner.run(
                scenario, options: LoadRunOptions(target: nodes[0].url, threads: 1, shard: (0, 2)))
            async let second = LoadRunner.run(
                scenario, options: LoadRunOptions(target: nodes[1].url, threads: 1, shard: (1, 2)))
            let reports = try await [first, second]
            for report in reports {
                XCTAssertTrue(report.passed, report.summaryText())
                XCTAssertEqual(report.counters["delivery.expected"], 320, report.summaryText())
                XCTAssertEqual(report.counters["delivery.received"], 320)
                XCTAssertEqual(report.counters["delivery.outOfOrder"], 0)
                XCTAssertEqual(report.counters["delivery.duplicated"], 0)
                XCTAssertEqual(report.counters["sends.total"], 40)
            }
            XCTAssertEqual(reports.reduce(0) { $0 + ($1.counters["delivery.received"] ?? 0) }, 640)
        }
    }

    func testChatctlRunOverBothNodesAccountsForEveryCopyWhisperAndPresence() async throws {
        // chatctl spreads the users over the two nodes (--target twice, round-robin by user index), so every
        // user's neighbour is on the other node: its whispers cross nodes, and the room spans both.
        // 8 users × 5 messages = 40 messages, each to 8 members = 320 copies; 16 whispers.
        let scenario = #"""
            {"name":"cluster-chatctl","seed":3,
             "groups":[{"name":"g","count":8,"namePattern":"c-{i}","rooms":["hall"],
                        "script":[{"wait":"1500ms"},
                                  {"say":{"room":"hall","size":32,"count":5,"rate":"50/s"}},
                                  {"whisper":{"to":"c-{i+1%8}","text":"psst","count":2}},
                                  {"expect":{"type":"whisper","from":"c-{i+7%8}","timeout":"5s"}}]}],
             "phases":[{"type":"rampUp","duration":"200ms"},{"type":"script","duration":"20s"}],
             "drain":"2s",
             "thresholds":{"delivery.lost":"== 0","delivery.outOfOrder":"== 0","delivery.duplicated":"== 0",
                           "whisper.lost":"== 0","whisper.leaks":"== 0","presence.missing":"== 0","expect.failed":"== 0",
                           "errors.total":"== 0"}}
            """#
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenarioFile = directory.appendingPathComponent("scenario.json")
        let reportFile = directory.appendingPathComponent("report.json")
        try scenario.write(to: scenarioFile, atomically: true, encoding: .utf8)
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 2, redis: redis) { nodes in
            let run = try ChildProcess(
                try RepositoryPaths.binary("chatctl"),
                [
                    "run", scenarioFile.path, "--target", nodes[0].url, "--target", nodes[1].url, "--quiet",
                    "--threads", "1", "--out", reportFile.path,
                ])
            let status = try await run.wait(timeout: .seconds(90))
            XCTAssertEqual(status, 0, run.stdout + run.stderr)
            let report = try LoadReport.decode(try Data(contentsOf: reportFile))
            let c = report.counters
            XCTAssertEqual(c["delivery.expected"], 320, run.stdout)
            XCTAssertEqual(c["delivery.received"], 320)
            XCTAssertEqual(c["delivery.outOfOrder"], 0)
            XCTAssertEqual(c["whisper.sent"], 16)
            XCTAssertEqual(c["whisper.delivered"], 16)
            XCTAssertEqual(c["whisper.leaks"], 0)
            XCTAssertEqual(c["presence.missing"], 0)
            XCTAssertEqual(c["expect.failed"], 0)
            XCTAssertEqual(report.scenario.target, "\(nodes[0].url),\(nodes[1].url)")
            XCTAssertTrue(run.stdout.contains("result: PASS"), run.stdout)
        }
    }

    func testMessagesPublishedWhileANodeWasNotSubscribedAreRecoveredFromHistoryInOrder() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 1, redis: redis) { nodes in
            let alice = try await ChatTestClient.connect(nodes[0], name: "alice", room: "lobby")
            let connection = try await RedisConnection.connect(
                to: try RedisURL(redis.url), group: MultiThreadedEventLoopGroup.singleton)
            // Cut the node's subscriber connection, then post five messages the way another node would: the
            // node hears some or none of them live and must recover the rest from the stored history.
            _ = try await connection.send(["CLIENT", "KILL", "TYPE", "pubsub"]).get()
            for index in 1...5 {
                let body = ClusterEvent.body(room: "lobby", from: "remote", content: "r\(index)", id: nil, ts: 1)
                _ = try await connection.send(["EVAL", ClusterScripts.say, "0", "chatkit:", "lobby", "256", body, "0"])
                    .get()
            }
            try await eventually("the node to be ready again") { nodes[0].isClusterReady == true }
            for index in 1...5 {
                guard case .message(let message) = try await self.skipPresence(alice) else {
                    return XCTFail("no r\(index)")
                }
                XCTAssertEqual([message.content, String(message.seq)], ["r\(index)", "\(index)"])
            }
            try alice.send(.say(room: "lobby", content: "live", id: nil))
            guard case .message(let live) = try await self.skipPresence(alice) else { return XCTFail("no live") }
            XCTAssertEqual([live.content, String(live.seq)], ["live", "6"])
            connection.close()
            await alice.close()
        }
    }

    func testChatserverTakesRedisFromTheEnvironmentAndRefusesABadURL() async throws {
        let chatserver = try RepositoryPaths.binary("chatserver")
        let bad = try ChildProcess(chatserver, ["--port", "0", "--redis", "http://127.0.0.1:6379"])
        let status = try await bad.wait(timeout: .seconds(30))
        XCTAssertEqual(status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--redis"), bad.stderr)

        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        let node = try ChildProcess(
            chatserver, ["--port", "0", "--log-level", "error"],
            environment: ["CHAT_REDIS_URL": redis.url, "CHAT_NODE_ID": "from-env"])
        defer { node.terminate() }
        let line = try await node.firstLine()
        let port = try XCTUnwrap(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, line)
        try await eventually("the node to be ready") {
            (try? await httpRequest(port: port, method: "GET", path: "/readyz").status) == 200
        }
        let health = try await httpRequest(port: port, method: "GET", path: "/healthz")
        XCTAssertEqual(health.json["cluster"] as? String, "ready")
        XCTAssertEqual(health.json["node"] as? String, "from-env")
        node.terminate()
        let exitStatus = try await node.wait(timeout: .seconds(30))
        XCTAssertEqual(exitStatus, 0, node.stderr)
    }

    func testAKilledNodesUsersLeaveAndTheOtherNodeKeepsServing() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 1, redis: redis) { nodes in
            let a = nodes[0]
            let child = try ChildProcess(
                try RepositoryPaths.binary("chatserver"),
                [
                    "--port", "0", "--redis", redis.url, "--node-id", "doomed", "--heartbeat-interval", "0.2",
                    "--node-ttl", "1.5", "--log-level", "error",
                ])
            defer { child.terminate() }
            let line = try await child.firstLine()
            let url = try XCTUnwrap(line.components(separatedBy: " ").last, line)
            try await eventually("the child node to be ready", timeout: .seconds(15)) {
                guard let port = URL(string: url.replacingOccurrences(of: "ws://", with: "http://"))?.port else {
                    return false
                }
                return (try? await httpRequest(port: port, method: "GET", path: "/readyz").status) == 200
            }
            let alice = try await ChatTestClient.connect(a, name: "alice", room: "lobby")
            let bobClient = try await WebSocketClient.connect(to: "\(url)?name=bob&room=lobby")
            let bob = ChatTestClient(name: "bob", client: bobClient)
            guard case .welcome = try await bob.next(), case .joined = try await bob.next(),
                case .history = try await bob.next()
            else { return XCTFail("bob did not join") }
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))
            try bob.send(.say(room: "lobby", content: "before", id: nil))
            guard case .message(let before) = try await alice.next() else { return XCTFail("no message from bob") }
            XCTAssertEqual(before.seq, 1)

            // SIGKILL: no goodbye. Within node TTL + a heartbeat the other node publishes bob's leave.
            kill(child.process.processIdentifier, SIGKILL)
            let killedAt = ContinuousClock.now
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))
            XCTAssertLessThan(ContinuousClock.now - killedAt, .seconds(5))
            try alice.send(.users(room: "lobby", id: "u"))
            try await alice.expect(.users(room: "lobby", names: ["alice"], id: "u"))
            // bob's name is free again, and the room goes on from seq 1.
            let bobAgain = try await ChatTestClient.connect(a, name: "bob", room: "lobby")
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))
            try alice.send(.say(room: "lobby", content: "after", id: nil))
            guard case .message(let after) = try await bobAgain.next() else { return XCTFail("no message after") }
            XCTAssertEqual(after.seq, 2)
            await bobAgain.close()
            await alice.close()
        }
    }

    func testRedisRestartDegradesBothNodesThenTheyRecoverWithoutLoss() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        try await withCluster(nodes: 2, redis: redis) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let alice = try await ChatTestClient.connect(a, name: "alice", room: "lobby")
            let dave = try await ChatTestClient.connect(a, name: "dave")
            let bob = try await ChatTestClient.connect(b, name: "bob", room: "lobby")
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))
            for index in 1...3 {
                try alice.send(.say(room: "lobby", content: "m\(index)", id: nil))
                for client in [alice, bob] {
                    guard case .message(let message) = try await client.next() else { return XCTFail("no m\(index)") }
                    XCTAssertEqual(message.seq, index)
                }
            }

            // Redis dies (and comes back empty: no persistence).
            await redis.kill()
            try await eventually("both nodes to notice") { a.isClusterReady == false && b.isClusterReady == false }
            let ready = try await httpRequest(port: a.port, method: "GET", path: "/readyz")
            XCTAssertEqual(ready.status, 503)
            XCTAssertEqual(ready.json["status"] as? String, "degraded")
            // Local members are still served: the connection stays, local whispers work, room messages are
            // refused with cluster_unavailable rather than given a seq no other node knows.
            try alice.send(.say(room: "lobby", content: "lost?", id: "s"))
            guard case .error(.clusterUnavailable, _, "s") = try await alice.next() else {
                return XCTFail("expected cluster_unavailable")
            }
            try alice.send(.join(room: "elsewhere", id: "j"))
            guard case .error(.clusterUnavailable, _, "j") = try await alice.next() else {
                return XCTFail("join while degraded")
            }
            try alice.send(.whisper(to: "bob", content: "across", id: "wb"))
            guard case .error(.clusterUnavailable, _, "wb") = try await alice.next() else {
                return XCTFail("whisper to another node while degraded")
            }
            try alice.send(.whisper(to: "dave", content: "still here", id: "w"))
            guard case .whisper = try await dave.next(), case .whisper = try await alice.next() else {
                return XCTFail("local whisper while degraded")
            }
            do {
                _ = try await ChatTestClient.connect(a, name: "erin")
                XCTFail("a new user connected while degraded")
            } catch let error as WebSocketClientError {
                guard case .handshakeRejected(503, let body) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(body.contains("cluster_unavailable"), body)
            }

            try await redis.restart()
            try await eventually("both nodes to recover", timeout: .seconds(15)) {
                a.isClusterReady == true && b.isClusterReady == true
            }
            let readyAgain = try await httpRequest(port: b.port, method: "GET", path: "/readyz")
            XCTAssertEqual(readyAgain.status, 200)
            // The room goes on from seq 3 on both nodes, and nothing sent after recovery is lost.
            try bob.send(.say(room: "lobby", content: "m4", id: nil))
            guard case .message(let m4) = try await self.skipPresence(alice) else { return XCTFail("no m4") }
            XCTAssertEqual([m4.content, String(m4.seq)], ["m4", "4"])
            try alice.send(.say(room: "lobby", content: "m5", id: nil))
            guard case .message(let m5) = try await self.skipPresence(alice) else { return XCTFail("no m5") }
            XCTAssertEqual([m5.content, String(m5.seq)], ["m5", "5"])
            for expected in [m4, m5] {
                guard case .message(let message) = try await self.skipPresence(bob) else {
                    return XCTFail("no message")
                }
                XCTAssertEqual(message, expected)
            }
            try bob.send(.users(room: "lobby", id: "u"))
            guard case .users(_, let names, _, _) = try await self.skipPresence(bob) else { return XCTFail("no users") }
            XCTAssertEqual(names, ["alice", "bob"])
            // History came back from the nodes' copies: a newcomer gets all five messages.
            let carol = try await ChatTestClient.connect(b, name: "carol")
            let join = try await carol.join("lobby")
            XCTAssertEqual(join.seq, 5)
            XCTAssertEqual(join.history.map(\.content), ["m1", "m2", "m3", "m4", "m5"])
            // Names are registered again: a second alice is refused.
            do {
                _ = try await ChatTestClient.connect(b, name: "alice")
                XCTFail("a second alice connected after recovery")
            } catch {}
            for client in [alice, bob, carol, dave] { await client.close() }
        }
    }
}
