import ChatKit
import ChatKitTestSupport
import Foundation
import NIOCore
import XCTest

/// `GET /metrics`: real clients drive traffic, the test scrapes over real HTTP, parses the text format (and has
/// prometheus_client's parser read it too), and checks the exact values of what it caused.
final class MetricsTests: XCTestCase {
    private let auth = ["Authorization: Bearer s3cret"]

    func testMetricsCountWhatClientsDid() async throws {
        try await withServer({
            $0.adminToken = "s3cret"
            $0.deliverySampleInterval = 1
        }) { server in
            var bytesReceived = 0
            func send(_ client: ChatTestClient, _ text: String) throws {
                try client.send(raw: text)
                bytesReceived += text.utf8.count
            }
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "lobby")
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))

            // Five room messages, each fanned out to both members.
            for index in 1...5 {
                try send(alice, ClientFrame.say(room: "lobby", content: "hello \(index)", id: "m\(index)").encoded())
            }
            for client in [alice, bob] {
                for _ in 1...5 {
                    guard case .message = try await client.next() else { return XCTFail("\(client.name): message") }
                }
            }
            // A whisper (two copies) and a bad frame (an error frame, bad_json).
            try send(bob, ClientFrame.whisper(to: "alice", content: "psst", id: "w1").encoded())
            for client in [alice, bob] {
                guard case .whisper = try await client.next() else { return XCTFail("\(client.name): whisper") }
            }
            try send(alice, "this is not JSON")
            guard case .error(let code, _, _) = try await alice.next(), code == .badJSON else {
                return XCTFail("expected bad_json")
            }

            // Three ways to end: a kick, a protocol violation, a normal close.
            let carol = try await ChatTestClient.connect(server, name: "carol")
            let kick = try await httpRequest(
                port: server.port, method: "DELETE", path: "/admin/users/carol", headers: self.auth)
            XCTAssertEqual(kick.status, 200)
            let carolClosed = try await carol.closed()
            XCTAssertEqual(carolClosed.code, 1008)
            let rude = try await RawTCPClient.connect(port: server.port)
            try await rude.sendUpgrade(target: "/ws?name=rude")
            try await eventually("upgrade") { rude.text.contains("\r\n\r\n") }
            try await rude.write(RawTCPClient.frame(opcode: 0x1, payload: [0x61], masked: false))
            try await rude.channel.closeFuture.get()
            XCTAssertEqual(rude.closeCode, 1002)
            await bob.close()
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))
            try await eventually("closes seen by the server") { server.stats.snapshot.connectionsCurrent == 1 }

            let (response, metrics) = try await self.scrape(server)
            XCTAssertEqual(response.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
            self.assertCatalogue(metrics)

            XCTAssertEqual(metrics.value("chat_connections_opened_total"), 4)
            XCTAssertEqual(metrics.value("chat_connections"), 1)
            XCTAssertEqual(metrics.value("chat_rooms"), 1)
            let closed = ["kicked": 1.0, "protocol_error": 1, "normal": 1]
            for cause in WebSocketCloseCause.all {
                let value = metrics.value("chat_connections_closed_total", ["reason": cause.rawValue])
                XCTAssertEqual(value, closed[cause.rawValue] ?? 0, cause.rawValue)
            }
            let received = ["say": 5.0, "whisper": 1, "invalid": 1]
            for type in ["join", "leave", "say", "whisper", "users", "invalid", "text", "binary"] {
                XCTAssertEqual(metrics.value("chat_messages_received_total", ["type": type]), received[type] ?? 0, type)
            }
            XCTAssertEqual(metrics.value("chat_received_bytes_total"), Double(bytesReceived))
            let sent = [
                "welcome": 4.0, "joined": 2, "history": 2, "message": 10, "whisper": 2, "presence": 2, "error": 1,
            ]
            for type in ["welcome", "joined", "left", "history", "message", "whisper", "presence", "users", "error"] {
                XCTAssertEqual(metrics.value("chat_messages_sent_total", ["type": type]), sent[type] ?? 0, type)
            }
            XCTAssertEqual(metrics.value("chat_errors_total", ["code": "bad_json"]), 1)
            XCTAssertEqual(metrics.samples(named: "chat_errors_total").reduce(0) { $0 + $1.value }, 1)
            XCTAssertEqual(metrics.value("chat_slow_consumers_dropped_total"), 0)

            // Fan-out: five messages to two members each.
            XCTAssertEqual(metrics.value("chat_fanout_members_count"), 5)
            XCTAssertEqual(metrics.value("chat_fanout_members_sum"), 10)
            XCTAssertEqual(self.bucket(metrics, "chat_fanout_members", le: 1), 0)
            XCTAssertEqual(self.bucket(metrics, "chat_fanout_members", le: 2), 5)
            // Delivery: every message sampled, and every copy was written (both members read them all).
            XCTAssertEqual(metrics.value("chat_delivery_seconds_count"), 5)
            let deliverySum = try XCTUnwrap(metrics.value("chat_delivery_seconds_sum"))
            XCTAssertGreaterThan(deliverySum, 0)
            XCTAssertLessThan(deliverySum, 5 * 10)

            // /admin/stats and /metrics are fed by the same events.
            let stats = try await httpRequest(
                port: server.port, method: "GET", path: "/admin/stats", headers: self.auth)
            let sentTotal = metrics.samples(named: "chat_messages_sent_total").reduce(0) { $0 + $1.value }
            XCTAssertEqual(stats.json["messagesOut"] as? Int, Int(sentTotal))
            XCTAssertEqual(stats.json["bytesOut"] as? Int, metrics.value("chat_sent_bytes_total").map { Int($0) })
            XCTAssertEqual(stats.json["bytesIn"] as? Int, bytesReceived)
            XCTAssertEqual(stats.json["messagesIn"] as? Int, 7)
            XCTAssertEqual(stats.json["connectionsTotal"] as? Int, 4)

            try await self.assertPrometheusClientAgrees(with: response.body, metrics)
        }
    }

    func testASlowConsumerIsCountedWithItsCause() async throws {
        try await withServer({
            $0.webSocket.sendQueueLimit = 64
            $0.webSocket.pingInterval = nil  // dropped for being slow, not for a ping it never answers
            $0.webSocket.closeTimeout = .milliseconds(200)
            $0.deliverySampleInterval = 1
        }) { server in
            let (stuck, sent) = try await driveStuckReaderUntilDropped(server)
            // The stuck client reads nothing, so only the server sees the close (the hard close after 2 × 200 ms).
            try await eventually("the stuck connection closed") { server.stats.snapshot.connectionsCurrent == 1 }
            await stuck.close()

            let (response, metrics) = try await self.scrape(server)
            XCTAssertEqual(metrics.value("chat_slow_consumers_dropped_total"), 1)
            XCTAssertEqual(metrics.value("chat_connections_closed_total", ["reason": "slow_consumer"]), 1)
            XCTAssertEqual(metrics.value("chat_messages_received_total", ["type": "say"]), Double(sent))
            XCTAssertEqual(metrics.value("chat_fanout_members_count"), Double(sent))
            let fanout = try XCTUnwrap(metrics.value("chat_fanout_members_sum"))
            XCTAssertTrue((Double(sent)...Double(2 * sent)).contains(fanout), "\(fanout) for \(sent) messages")
            // Messages whose copy for the stuck member was queued but never written are not timed.
            let timed = try XCTUnwrap(metrics.value("chat_delivery_seconds_count"))
            XCTAssertLessThan(timed, Double(sent))
            XCTAssertGreaterThan(timed, 0)
            try await self.assertPrometheusClientAgrees(with: response.body, metrics)
        }
    }

    func testBroadcastAndEchoModesCountRawMessages() async throws {
        try await withServer({
            $0.mode = .broadcast
            $0.deliverySampleInterval = 2
        }) { server in
            let a = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)/")
            let b = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)/")
            try await eventually("both connected") { server.stats.snapshot.connectionsCurrent == 2 }
            var aEvents = a.events.makeAsyncIterator()
            var bEvents = b.events.makeAsyncIterator()
            for index in 1...4 { try a.send(text: "broadcast \(index)") }
            for _ in 1...4 {
                _ = await aEvents.next()
                _ = await bEvents.next()
            }
            let (response, metrics) = try await self.scrape(server)
            XCTAssertEqual(metrics.value("chat_messages_received_total", ["type": "text"]), 4)
            XCTAssertEqual(metrics.value("chat_messages_sent_total", ["type": "text"]), 8)
            XCTAssertEqual(metrics.value("chat_received_bytes_total"), 4 * 11)
            XCTAssertEqual(metrics.value("chat_sent_bytes_total"), 8 * 11)
            XCTAssertEqual(metrics.value("chat_fanout_members_sum"), 8)
            XCTAssertEqual(metrics.value("chat_delivery_seconds_count"), 2)  // broadcasts 2 and 4
            XCTAssertEqual(metrics.value("chat_connections"), 2)
            try await self.assertPrometheusClientAgrees(with: response.body, metrics)
        }
        try await withServer({ $0.mode = .echo }) { server in
            let client = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)/echo")
            var events = client.events.makeAsyncIterator()
            try client.send(text: "ping")
            try client.send(binary: ByteBuffer(bytes: [9, 8, 7]))
            _ = await events.next()
            _ = await events.next()
            await client.close()
            try await eventually("closed") { server.stats.snapshot.connectionsCurrent == 0 }
            let (_, metrics) = try await self.scrape(server)
            XCTAssertEqual(metrics.value("chat_messages_received_total", ["type": "text"]), 1)
            XCTAssertEqual(metrics.value("chat_messages_received_total", ["type": "binary"]), 1)
            XCTAssertEqual(metrics.value("chat_messages_sent_total", ["type": "binary"]), 1)
            XCTAssertEqual(metrics.value("chat_received_bytes_total"), 4 + 3)
            XCTAssertEqual(metrics.value("chat_connections_closed_total", ["reason": "normal"]), 1)
            XCTAssertEqual(metrics.value("chat_fanout_members_count"), 0)
        }
    }

    func testAccessHeadAndWrongMethod() async throws {
        try await withServer { server in
            let head = try await httpRequest(port: server.port, method: "HEAD", path: "/metrics")
            XCTAssertEqual(head.status, 200)
            XCTAssertEqual(head.body, "")
            XCTAssertGreaterThan(Int(head.headers["content-length"] ?? "") ?? 0, 100)
            XCTAssertEqual(head.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
            let post = try await httpRequest(port: server.port, method: "POST", path: "/metrics", body: "{}")
            XCTAssertEqual(post.status, 405)
            XCTAssertEqual(post.headers["allow"], "GET")
            XCTAssertEqual(post.json["error"] as? String, "method_not_allowed")
        }
        try await withServer({ $0.metricsAccess = .off }) { server in
            let response = try await httpRequest(port: server.port, method: "GET", path: "/metrics")
            XCTAssertEqual(response.status, 404)
            XCTAssertEqual(response.json["error"] as? String, "metrics_disabled")
        }
        try await withServer({
            $0.metricsAccess = .token
            $0.adminToken = "s3cret"
        }) { server in
            let anonymous = try await httpRequest(port: server.port, method: "GET", path: "/metrics")
            XCTAssertEqual(anonymous.status, 401)
            XCTAssertEqual(anonymous.headers["www-authenticate"], "Bearer")
            let wrong = try await httpRequest(
                port: server.port, method: "GET", path: "/metrics", headers: ["Authorization: Bearer nope"])
            XCTAssertEqual(wrong.status, 401)
            let (response, metrics) = try await self.scrape(server, headers: self.auth)
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(metrics.value("chat_connections_opened_total"), 0)
        }
    }

    func testEachServerHasItsOwnRegistry() async throws {
        try await withServer { first in
            try await withServer { second in
                let alice = try await ChatTestClient.connect(first, name: "alice", room: "lobby")
                try alice.send(.say(room: "lobby", content: "only on the first server", id: nil))
                _ = try await alice.next()
                let (_, firstMetrics) = try await self.scrape(first)
                let (_, secondMetrics) = try await self.scrape(second)
                XCTAssertEqual(firstMetrics.value("chat_connections_opened_total"), 1)
                XCTAssertEqual(firstMetrics.value("chat_messages_received_total", ["type": "say"]), 1)
                XCTAssertEqual(secondMetrics.value("chat_connections_opened_total"), 0)
                XCTAssertEqual(secondMetrics.value("chat_messages_received_total", ["type": "say"]), 0)
                XCTAssertEqual(secondMetrics.value("chat_fanout_members_count"), 0)
            }
        }
    }

    func testTheChatserverBinaryServesMetrics() async throws {
        let chatserver = try ChildProcess(try RepositoryPaths.binary("chatserver"), ["--port", "0"])
        defer { chatserver.terminate() }
        let url = String(try await chatserver.firstLine().dropFirst("listening on ".count))
        let port = try WebSocketURL(url).port
        let response = try await httpRequest(port: port, method: "GET", path: "/metrics")
        XCTAssertEqual(response.status, 200)
        let metrics = try PrometheusExposition.parse(response.body)
        XCTAssertEqual(metrics.value("chat_connections"), 0)
        XCTAssertNotNil(metrics.help["chat_delivery_seconds"])

        let refused = try ChildProcess(try RepositoryPaths.binary("chatserver"), ["--port", "0", "--metrics", "token"])
        let status = try await refused.wait()
        XCTAssertEqual(status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--metrics token needs an admin token"), refused.stderr)
    }

    // MARK: Helpers

    /// Scrapes `/metrics` over real HTTP and parses the body.
    private func scrape(_ server: ChatServer, headers: [String] = []) async throws -> (
        HTTPTestResponse, PrometheusExposition
    ) {
        let response = try await httpRequest(port: server.port, method: "GET", path: "/metrics", headers: headers)
        XCTAssertEqual(response.status, 200, response.body)
        return (response, try PrometheusExposition.parse(response.body))
    }

    /// The cumulative count of the bucket of `family` whose upper bound is `le`.
    private func bucket(_ metrics: PrometheusExposition, _ family: String, le: Double) -> Double? {
        metrics.samples(named: family + "_bucket").first {
            PrometheusExposition.number($0.labels["le"] ?? "") == le
        }?.value
    }

    /// Every documented metric is there with HELP and the right TYPE, and names follow the conventions.
    private func assertCatalogue(_ metrics: PrometheusExposition, file: StaticString = #filePath, line: UInt = #line) {
        let expected = [
            "chat_connections": "gauge", "chat_connections_opened_total": "counter",
            "chat_connections_closed_total": "counter", "chat_messages_received_total": "counter",
            "chat_messages_sent_total": "counter", "chat_received_bytes_total": "counter",
            "chat_sent_bytes_total": "counter", "chat_fanout_members": "histogram",
            "chat_delivery_seconds": "histogram", "chat_slow_consumers_dropped_total": "counter",
            "chat_errors_total": "counter", "chat_rooms": "gauge",
        ]
        XCTAssertEqual(metrics.types, expected, file: file, line: line)
        for name in expected.keys {
            XCTAssertFalse((metrics.help[name] ?? "").isEmpty, "HELP for \(name)", file: file, line: line)
        }
        for (name, type) in metrics.types {
            XCTAssertTrue(name.hasPrefix("chat_"), name, file: file, line: line)
            XCTAssertEqual(name.hasSuffix("_total"), type == "counter", name, file: file, line: line)
        }
    }

    /// prometheus_client's own parser reads the same exposition and finds the same samples.
    private func assertPrometheusClientAgrees(
        with text: String, _ metrics: PrometheusExposition, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let parser = try ChildProcess(
            try RepositoryPaths.python(), [RepositoryPaths.interopScript("parse_prometheus.py"), path.path])
        let status = try await parser.wait()
        XCTAssertEqual(status, 0, parser.stderr, file: file, line: line)
        let families = try JSONSerialization.jsonObject(with: Data(parser.stdout.utf8)) as? [[String: Any]] ?? []
        var theirs = Set<PrometheusExposition.Sample>()
        for family in families {
            let name = family["name"] as? String ?? ""
            let type = family["type"] as? String ?? ""
            // prometheus_client names a counter family without `_total`.
            let ours = type == "counter" ? name + "_total" : name
            XCTAssertEqual(metrics.types[ours], type, name, file: file, line: line)
            XCTAssertEqual(metrics.help[ours], family["help"] as? String, name, file: file, line: line)
            for sample in family["samples"] as? [[String: Any]] ?? [] {
                theirs.insert(
                    PrometheusExposition.Sample(
                        name: sample["name"] as? String ?? "", labels: sample["labels"] as? [String: String] ?? [:],
                        value: (sample["value"] as? NSNumber)?.doubleValue ?? .nan))
            }
        }
        XCTAssertEqual(families.count, metrics.types.count, file: file, line: line)
        XCTAssertEqual(theirs, Set(metrics.samples), file: file, line: line)
    }
}
