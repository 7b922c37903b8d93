import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// The built-in run checks: a run that did not happen as planned fails whatever its thresholds say, each failure
/// explained with its cause; an unusable target stops the run with exit 3; `tolerate` allows planned faults.
final class RunChecksTests: XCTestCase {
    private func scenarioFile(_ json: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID().uuidString).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    /// 20 users in 4 rooms, then 8 s of broadcasts at 20/s: the server is killed (SIGKILL) once the arrivals run.
    private func runAgainstAServerKilledMidRun(thresholds: String) async throws
        -> (status: Int32, stdout: String, report: LoadReport, junit: String)
    {
        let server = try ChildProcess(try RepositoryPaths.binary("chatserver"), ["--port", "0"])
        defer { server.terminate() }
        let url = String(try await server.firstLine().dropFirst("listening on ".count))
        let scenario = try self.scenarioFile(#"""
            {"name":"killed","seed":3,"groups":[{"name":"m","count":20,"namePattern":"k-{i}","rooms":["r-{i%4}"]}],
             "phases":[{"type":"rampUp","duration":"500ms"},
                       {"type":"arrivals","duration":"8s","rate":"20/s","action":"say","size":32}],
             "drain":"1s"\#(thresholds)}
            """#)
        let (live, out, junit) = (self.temporaryPath("live.jsonl"), self.temporaryPath("r.json"), self.temporaryPath("j.xml"))
        let chatctl = try ChildProcess(
            try RepositoryPaths.binary("chatctl"),
            ["run", scenario, "--target", url, "--quiet", "--live", live, "--out", out, "--junit", junit])
        defer { chatctl.terminate() }
        chatctl.closeStdin()
        // Kill the server once the broadcasts are under way (the live file's second line is a second of arrivals).
        try await eventually("the arrivals phase", timeout: .seconds(60)) {
            ((try? String(contentsOfFile: live, encoding: .utf8)) ?? "").contains(#""phase":"arrivals""#)
        }
        kill(server.process.processIdentifier, SIGKILL)
        let status = try await chatctl.wait(timeout: .seconds(90))
        let report = try LoadReport.decode(try Data(contentsOf: URL(fileURLWithPath: out)))
        return (status, chatctl.stdout, report, try String(contentsOfFile: junit, encoding: .utf8))
    }

    func testAServerKilledMidRunFailsWithTheDisconnectAndFailedSendCauses() async throws {
        // The docs' minimal thresholds, which a dead server does not break: delivery is counted up to what was sent.
        let result = try await self.runAgainstAServerKilledMidRun(
            thresholds: #","thresholds":{"delivery.lost":"== 0","latency.broadcast.p99":"< 5s"}"#)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("FAIL  20 of 20 users disconnected: close 1006 (no close frame)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("sends failed: not connected"), result.stdout)
        XCTAssertTrue(result.stdout.contains("PASS  delivery.lost == 0"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("result: FAIL\n"), result.stdout)

        XCTAssertFalse(result.report.passed)
        let checks = Dictionary(uniqueKeysWithValues: (result.report.checks ?? []).map { ($0.check, $0) })
        XCTAssertEqual(checks["disconnects"]?.passed, false)
        XCTAssertEqual(checks["disconnects"]?.value, 20)
        XCTAssertEqual(checks["failedSends"]?.passed, false)
        XCTAssertEqual(checks["neverConnected"]?.passed, true)
        XCTAssertEqual(result.report.failures?.disconnect.keys.sorted(), ["close 1006 (no close frame)"])
        XCTAssertEqual(result.report.failures?.disconnect.values.first?.count, 20)
        let failedSends = result.report.counters["sends.failed"] ?? 0
        XCTAssertGreaterThan(failedSends, 0)
        XCTAssertEqual(result.report.failures?.send["not connected"]?.count, failedSends)
        XCTAssertTrue(result.junit.contains(#"<testcase classname="chatctl.checks.killed" name="disconnects" time="0">"#), result.junit)
        XCTAssertTrue(result.junit.contains(#"<failure type="run check" message="20 of 20 users disconnected"#), result.junit)
    }

    func testAScenarioWithoutThresholdsAgainstAServerThatDiesFails() async throws {
        let result = try await self.runAgainstAServerKilledMidRun(thresholds: "")
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.report.thresholds.isEmpty)
        XCTAssertFalse(result.report.passed)
        XCTAssertTrue(result.stdout.contains("users disconnected"), result.stdout)
    }

    func testEveryUpgradeRefusedStopsTheRunWithExitThreeAndTheStatus() async throws {
        try await withServer { server in
            let port = try WebSocketURL(server.url).port
            let target = "ws://127.0.0.1:\(port)/nowhere"
            let smoke = RepositoryPaths.root.appendingPathComponent("scenarios/smoke.json").path
            let chatctl = try ChildProcess(try RepositoryPaths.binary("chatctl"), ["run", smoke, "--target", target, "--quiet"])
            chatctl.closeStdin()
            let status = try await chatctl.wait(timeout: .seconds(60))
            XCTAssertEqual(status, 3, chatctl.stdout + chatctl.stderr)
            XCTAssertTrue(
                chatctl.stderr.contains("target unusable: every upgrade refused: HTTP 404 Not Found: not_found"),
                chatctl.stderr)
            XCTAssertTrue(chatctl.stderr.contains("from \(target)"), chatctl.stderr)
            XCTAssertFalse(chatctl.stdout.contains("result:"), chatctl.stdout)
        }
    }

    func testUsersWhoseJoinsAreRefusedFailTheRunWithTheRefusalAsCause() async throws {
        // One join per connection: each user connects, joins its first room and is refused its second.
        try await withServer({ $0.joinRatePerConnection = RateLimit(perSecond: 0.01, burst: 1) }) { server in
            let scenario = try self.scenarioFile(#"""
                {"name":"refused","seed":5,"groups":[{"name":"m","count":4,"namePattern":"j-{i}","rooms":["a","b"]}],
                 "phases":[{"type":"rampUp","duration":"200ms"},{"type":"arrivals","duration":"1s","rate":"4/s","action":"say"}],
                 "drain":"500ms"}
                """#)
            let out = self.temporaryPath("refused.json")
            let chatctl = try ChildProcess(
                try RepositoryPaths.binary("chatctl"), ["run", scenario, "--target", server.url, "--quiet", "--out", out])
            chatctl.closeStdin()
            let status = try await chatctl.wait(timeout: .seconds(60))
            XCTAssertEqual(status, 1, chatctl.stdout + chatctl.stderr)
            let report = try LoadReport.decode(try Data(contentsOf: URL(fileURLWithPath: out)))
            let check = try XCTUnwrap(report.checks?.first { $0.check == "neverConnected" })
            XCTAssertFalse(check.passed)
            XCTAssertTrue(check.message.hasPrefix("4 of 4 users never connected and joined their rooms"), check.message)
            XCTAssertTrue(check.message.contains("join refused: join_rate_limited: too many joins"), check.message)
        }
    }

    func testDryRunWarnsOfSendsThatCannotGoOut() async throws {
        let scenario = try self.scenarioFile(#"""
            {"name":"roomless","groups":[{"name":"talkers","count":4,"rooms":["r"]},
                                         {"name":"lurkers","count":4,"namePattern":"lurker-{i}"}],
             "phases":[{"type":"arrivals","duration":"1s","rate":"20/s","action":"say","group":"lurkers"},
                       {"type":"arrivals","duration":"1s","rate":"0.5/s","action":"say"}]}
            """#)
        let chatctl = try ChildProcess(try RepositoryPaths.binary("chatctl"), ["run", scenario, "--dry-run"])
        chatctl.closeStdin()
        let status = try await chatctl.wait()
        XCTAssertEqual(status, 0, chatctl.stderr)
        XCTAssertTrue(chatctl.stdout.contains(
            #"warning: phases[0] (arrivals say): 20 of 20 sends come from users who join no room (group "lurkers"): "#
                + #"they will fail with "no room joined""#), chatctl.stdout)
        XCTAssertTrue(chatctl.stdout.contains(
            "warning: phases[1] (arrivals say): the rate over the duration gives no arrivals"), chatctl.stdout)
    }

    func testTolerateAllowsPlannedFaultsAndSaysSo() throws {
        let counters = [
            "users.total": 50, "users.disconnected": 5, "connect.disconnects": 7, "sends.total": 180, "sends.failed": 20,
        ]
        var report = try SyntheticReports.report(users: 50, counters: counters)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.checks?.filter { !$0.passed }.map(\.check), ["disconnects", "failedSends"])
        XCTAssertEqual(report.checks?.first { $0.check == "disconnects" }?.message, "5 of 50 users disconnected (7 disconnects)")

        report.tolerate = RunTolerance(limits: ["disconnects": .count(5), "failedSends": .fraction(0.10)])
        report.evaluate([])
        XCTAssertTrue(report.passed)
        XCTAssertEqual(
            report.checks?.first { $0.check == "failedSends" }?.message,
            "tolerated (limit 10%): 20 of 200 sends failed")
        XCTAssertTrue(report.summaryText().contains("PASS  tolerated (limit 5): 5 of 50 users disconnected"))

        report.tolerate = RunTolerance(limits: ["disconnects": .count(4), "failedSends": .fraction(0.09)])
        report.evaluate([])
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.checks?.filter { !$0.passed }.count, 2)
        // A report written before the checks existed decodes, and its checks pass on absent counters.
        XCTAssertEqual(try LoadReport.decode(try report.jsonData()), report)
    }

    func testTolerateIsValidatedNamingTheField() throws {
        let bad = #"""
            {"name":"t","groups":[{"count":2,"rooms":["r"]}],"phases":[{"type":"hold","duration":"1s"}],
             "tolerate":{"disconects":1,"failedSends":"lots","outstanding":-1,"disconnects":"5%"}}
            """#
        XCTAssertThrowsError(try ScenarioParser.parse(Data(bad.utf8))) { error in
            let problems = (error as? ScenarioValidationError)?.problems ?? []
            XCTAssertTrue(problems.contains { $0.hasPrefix("tolerate.disconects: unknown run check; known: neverConnected") }, "\(problems)")
            XCTAssertTrue(problems.contains { $0.hasPrefix(#"tolerate.failedSends: expected a count"#) }, "\(problems)")
            XCTAssertTrue(problems.contains { $0.hasPrefix(#"tolerate.outstanding: expected a count"#) }, "\(problems)")
            XCTAssertEqual(problems.count, 3, "\(problems)")
        }
        let good = try ScenarioParser.parse(Data(bad.replacingOccurrences(of: #""disconects":1,"failedSends":"lots","outstanding":-1,"#, with: "").utf8))
        XCTAssertEqual(good.tolerate.limits, ["disconnects": .fraction(0.05)])
    }

    func testFailureCausesReadTheRefusedUpgradeAndTheCloseCode() {
        XCTAssertEqual(
            FailureCauseText.connect(WebSocketClientError.handshakeRejected(
                status: 403, body: #"{"error":"forbidden_origin","message":"origin not allowed"}"#)),
            "HTTP 403 Forbidden: forbidden_origin: origin not allowed")
        XCTAssertEqual(
            FailureCauseText.connect(WebSocketClientError.handshakeRejected(status: 404, body: "<html>nope</html>")),
            "HTTP 404 Not Found")
        XCTAssertEqual(
            FailureCauseText.connect(WebSocketClientError.unreachable(url: "ws://x", reason: "Connection refused")),
            "Connection refused")
        XCTAssertEqual(FailureCauseText.close(code: 1006, reason: ""), "close 1006 (no close frame)")
        XCTAssertEqual(
            FailureCauseText.close(code: 1006, reason: "Connection reset by peer"),
            "close 1006 (no close frame): Connection reset by peer")
        XCTAssertEqual(FailureCauseText.close(code: 1008, reason: "slow consumer"), "close 1008 (policy violation): slow consumer")
        XCTAssertEqual(FailureCauseText.close(code: 4000, reason: "bye\n\u{1B}[2J"), "close 4000: bye  [2J")
    }
}
