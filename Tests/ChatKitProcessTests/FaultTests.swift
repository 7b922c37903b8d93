import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import NIOCore
import NIOPosix
import XCTest

/// Hostile input and faults while real users chat: each attack gets its clear error or close code, the
/// server stays up, and chatctl's delivery accounting shows that the other users lost nothing.
final class FaultTests: XCTestCase {
    /// 16 users in 2 rooms, 100 broadcasts/s for 3 s, with zero-loss thresholds.
    private let bystanders = #"""
        {"name":"bystanders","seed":3,"connectTimeout":"60s",
         "groups":[{"name":"b","count":16,"namePattern":"bystander-{i}","rooms":["calm-{i%2}"]}],
         "phases":[{"type":"rampUp","duration":"200ms"},
                   {"type":"arrivals","duration":"3s","rate":"100/s","action":"say","size":100}],
         "drain":"5s",
         "thresholds":{"delivery.lost":"== 0","delivery.duplicated":"== 0","delivery.outOfOrder":"== 0",
                       "errors.total":"== 0","connect.disconnects":"== 0","delivery.expected":">= 2400"}}
        """#

    /// Runs the bystanders while `attack` runs, and checks they noticed nothing.
    private func bystandersUnaffected(
        _ configure: (inout ServerConfiguration) -> Void = { _ in },
        attack: @escaping @Sendable (ChatServer) async throws -> Void
    ) async throws {
        let scenario = try ScenarioParser.parse(Data(self.bystanders.utf8))
        try await withServer(configure) { server in
            let attacker = Task { try await attack(server) }
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            try await attacker.value
            XCTAssertTrue(report.passed, report.summaryText())
            let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.status, 200)
        }
    }

    /// 2000 handshakes at once; 300 under a sanitizer (`make test` and `make sanitize` set CHATKIT_SANITIZER),
    /// which slows every handshake several times.
    static let stormSize = ProcessInfo.processInfo.environment["CHATKIT_SANITIZER"] == nil ? 2000 : 300

    func testConnectionStormOfTwoThousandHandshakes() async throws {
        try await self.bystandersUnaffected { server in
            let group = MultiThreadedEventLoopGroup.singleton
            var futures: [EventLoopFuture<WebSocketClient.Opened>] = []
            let url = try WebSocketURL(server.url)
            for index in 0..<Self.stormSize {
                var target = url
                target.requestTarget = "/ws?name=storm-\(index)"
                // The server must take every handshake; how fast is the benchmark's business (bench/).
                futures.append(WebSocketClient.connect(
                    to: target, configuration: ClientConfiguration(connectTimeout: .seconds(120)), eventLoop: group.next(),
                    makeDelegate: { SilentDelegate() }))
            }
            let opened = try await EventLoopFuture.whenAllSucceed(futures, on: group.next()).get()
            XCTAssertEqual(opened.count, Self.stormSize)
            XCTAssertGreaterThanOrEqual(server.stats.snapshot.connectionsCurrent, Self.stormSize)
            for connection in opened { connection.connection.close() }
        }
    }

    func testSlowlorisHandshakesAreDroppedOnTime() async throws {
        try await self.bystandersUnaffected({ $0.handshakeTimeout = .milliseconds(500) }) { server in
            var clients: [RawTCPClient] = []
            for index in 0..<100 {
                let client = try await RawTCPClient.connect(port: server.port)
                try await client.write("GET /ws?name=slow-\(index) HTTP/1.1\r\nHost: x\r\nUpgr")
                clients.append(client)
            }
            for client in clients { try await client.channel.closeFuture.get() }
        }
    }

    func testMalformedAndHugeRequests() async throws {
        try await self.bystandersUnaffected { server in
            let requests = [
                "NOT HTTP\r\n\r\n",
                "GET /ws?name=\u{1}x HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                "GET /ws?name=h HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 120_000))\r\n\r\n",
                "GET /ws?name=k HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: !!notbase64!!\r\n\r\n",
                "POST /admin/rooms/x/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"a\"",
            ]
            for _ in 0..<10 {
                for request in requests {
                    let client = try await RawTCPClient.connect(port: server.port)
                    try await client.write(request)
                    client.channel.close(promise: nil)
                }
            }
        }
    }

    func testAFlooderIsRateLimited() async throws {
        // 3000 says as fast as the client writes them, against 100/s with a burst of 50. Each say gets
        // exactly one answer (its broadcast or a `rate_limited` error), and no more go through than the
        // limit allows for the time the flood took, however slow the machine (a sanitizer slows it a lot).
        let rate = 100, burst = 50, count = 3000
        try await self.bystandersUnaffected({
            $0.rateLimitPerSecond = Double(rate)
            $0.rateLimitBurst = burst
            $0.webSocket.sendQueueLimit = 2 * count  // the flooder reads its 3000 answers only after sending
        }) { server in
            var configuration = ClientConfiguration()
            configuration.webSocket.sendQueueLimit = 10_000
            let flooder = try await ChatTestClient.connect(server, name: "flooder", room: "calm-0", configuration: configuration)
            let started = ContinuousClock.now
            for index in 0..<count {
                try flooder.send(.say(room: "calm-0", content: "spam \(index)", id: "f\(index)"))
            }
            var answered = Set<String>()
            var accepted = 0
            var limited = 0
            while answered.count < count {
                let id: String
                switch try await flooder.next(timeout: .seconds(60)) {
                case .message(let message) where message.from == "flooder":
                    id = message.id ?? ""
                    accepted += 1
                case .error(.rateLimited, _, let errorID):
                    id = errorID ?? ""
                    limited += 1
                default:
                    continue  // the bystanders' messages and presence in calm-0
                }
                XCTAssertTrue(answered.insert(id).inserted, "\(id) answered twice")
            }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            XCTAssertGreaterThanOrEqual(accepted, burst, "the burst goes through")
            XCTAssertLessThanOrEqual(accepted, burst + Int((Double(rate) * seconds).rounded(.up)), "in \(elapsed)")
            XCTAssertEqual(accepted + limited, count)
            XCTAssertEqual(server.stats.snapshot.errors["rate_limited"], limited)
            await flooder.close()
        }
    }

    func testProtocolViolatorsAreClosedWithTheirCodes() async throws {
        try await self.bystandersUnaffected({
            $0.webSocket.maxMessageBytes = 4096
            $0.webSocket.closeTimeout = .milliseconds(200)
        }) { server in
            let violations: [(bytes: [UInt8], code: UInt16)] = [
                (RawTCPClient.frame(opcode: 0x1, payload: [UInt8](repeating: 0x61, count: 5000)), 1009),
                (RawTCPClient.frame(opcode: 0x1, payload: [0xC3, 0x28]), 1007),
                (RawTCPClient.frame(opcode: 0x0, payload: [0x61]), 1002),
                (RawTCPClient.frame(opcode: 0x1, payload: [0x61], masked: false), 1002),
                (RawTCPClient.frame(opcode: 0x2, payload: [1, 2, 3]), 1003),
            ]
            for round in 0..<5 {
                for (index, violation) in violations.enumerated() {
                    let client = try await RawTCPClient.connect(port: server.port)
                    try await client.sendUpgrade(target: "/ws?name=bad-\(round)-\(index)&room=calm-1")
                    try await eventually("upgrade") { client.text.contains("\r\n\r\n") }
                    try await client.write(violation.bytes)
                    try await client.channel.closeFuture.get()
                    XCTAssertEqual(client.closeCode, violation.code, "violation \(index)")
                }
            }
        }
    }

    func testAMemberThatNeverReadsIsDroppedAndCounted() async throws {
        // A limit the stuck member passes quickly, while a bystander would have to fall seconds behind its room
        // (a sanitizer slows everything several times, and a stalled generator sends its backlog at once). No
        // keepalive: the stuck member never answers a ping, and must be dropped for being slow, not dead.
        try await self.bystandersUnaffected({
            $0.webSocket.sendQueueLimit = 256
            $0.webSocket.pingInterval = nil
        }) { server in
            // The stuck member shares a room with a heavy sender; the bystanders chat elsewhere.
            let (stuck, _) = try await driveStuckReaderUntilDropped(server)
            XCTAssertEqual(server.stats.snapshot.slowConsumersDropped, 1)
            await stuck.close()
        }
    }

    func testChatctlSurvivesTheServerBeingKilledAndReconnects() async throws {
        // chatserver and chatctl as real processes; the server is killed mid-run and restarted on the
        // same port. chatctl reports the disconnects and reconnections, fails its thresholds (exit 1),
        // and does not hang.
        let chatserver = try RepositoryPaths.binary("chatserver")
        let first = try ChildProcess(chatserver, ["--port", "0"])
        let line = try await first.firstLine()
        let url = String(line.dropFirst("listening on ".count))
        let port = try WebSocketURL(url).port
        let scenario = FileManager.default.temporaryDirectory.appendingPathComponent("killed-\(UUID().uuidString).json")
        try Data(#"""
            {"name":"killed","reconnect":{"attempts":20,"backoff":"100ms","maxBackoff":"500ms"},
             "groups":[{"name":"g","count":10,"namePattern":"k-{i}","rooms":["r"]}],
             "phases":[{"type":"rampUp","duration":"200ms"},
                       {"type":"arrivals","duration":"4s","rate":"50/s","action":"say","size":64}],
             "drain":"2s",
             "thresholds":{"connect.disconnects":"== 0"}}
            """#.utf8).write(to: scenario)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("killed-\(UUID().uuidString).json").path
        let run = try ChildProcess(try RepositoryPaths.binary("chatctl"), ["run", scenario.path, "--target", url, "--out", out])
        try await eventually("traffic", timeout: .seconds(20)) { run.stderr.contains("users 10/10") || run.stdout.contains("result") }
        try await Task.sleep(for: .milliseconds(1200))
        kill(first.process.processIdentifier, SIGKILL)
        _ = try await first.wait()
        try await Task.sleep(for: .milliseconds(300))
        let second = try ChildProcess(chatserver, ["--port", "\(port)"])
        defer { second.terminate() }
        _ = try await second.firstLine()

        let status = try await run.wait(timeout: .seconds(60))
        XCTAssertEqual(status, 1, run.stdout + run.stderr)
        let report = try LoadReport.decode(try Data(contentsOf: URL(fileURLWithPath: out)))
        XCTAssertEqual(report.counters["connect.disconnects"], 10, report.summaryText())
        XCTAssertEqual(report.counters["connect.reconnects"], 10, report.summaryText())
        XCTAssertEqual(report.errors["closed_1006"], 10)
        XCTAssertTrue(run.stdout.contains("FAIL  connect.disconnects == 0"), run.stdout)
    }
}

/// A client delegate that ignores everything (storm connections).
private final class SilentDelegate: WebSocketDelegate {
    func webSocketDidOpen(_ connection: WebSocketConnection) {}
    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {}
    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {}
    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {}
}
