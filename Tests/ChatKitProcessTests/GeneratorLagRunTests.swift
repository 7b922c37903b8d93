import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// `chatctl run` as a child process against a healthy server in this process: a chatctl frozen for 2 s (SIGSTOP,
/// then SIGCONT) says that the generator fell behind, and its latency from the actual send time stays low while
/// the latency from the planned time shows the freeze. A run that kept up says nothing.
final class GeneratorLagRunTests: XCTestCase {
    private static let sanitized = ProcessInfo.processInfo.environment["CHATKIT_SANITIZER"] != nil

    /// 10 users in one room, 50 messages a second for `seconds` (20 under a sanitizer: the sends a freeze held
    /// back go out together when it ends, and their copies' latency from the actual send is that burst's).
    private func scenarioFile(seconds: Int) throws -> String {
        let rate = Self.sanitized ? 20 : 50
        let path = SyntheticReports.temporaryPath(".json")
        try Data(#"""
            {"name":"lag","seed":3,"groups":[{"name":"g","count":10,"rooms":["r"]}],
             "phases":[{"type":"arrivals","duration":"\#(seconds)s","rate":"\#(rate)/s","action":"say","size":64}],
             "drain":"5s","thresholds":{"delivery.lost":"== 0"}}
            """#.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Whether a line of the `--live` file shows messages sent.
    private func liveShowsSends(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { line in
            let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (record?["messagesOut"] as? Int ?? 0) > 0
        }
    }

    func testAFrozenGeneratorIsNamedAndItsActualSendLatencyStaysLow() async throws {
        try await self.freezeGenerator(protocol: .chat)
    }

    /// The same with raw markers, against a plain broadcast server.
    func testAFrozenRawGeneratorIsNamedAndItsActualSendLatencyStaysLow() async throws {
        try await self.freezeGenerator(protocol: .raw)
    }

    /// Runs chatctl against a healthy server, freezes it for 2 s once it is sending, and checks what it reports.
    private func freezeGenerator(protocol wireProtocol: LoadProtocol) async throws {
        let live = SyntheticReports.temporaryPath(".jsonl")
        let out = SyntheticReports.temporaryPath(".json")
        let scenario = try self.scenarioFile(seconds: 5)
        try await withServer({ if wireProtocol == .raw { $0.mode = .broadcast } }) { server in
            let child = try ChildProcess(
                try RepositoryPaths.binary("chatctl"),
                ["run", scenario, "--target", server.url, "--live", live, "--out", out, "--quiet",
                 "--protocol", wireProtocol.rawValue])
            child.closeStdin()
            try await eventually("sends in the --live file", timeout: .seconds(60)) {
                self.liveShowsSends(live) || !child.process.isRunning
            }
            let pid = child.process.processIdentifier
            XCTAssertEqual(kill(pid, SIGSTOP), 0)
            try await Task.sleep(for: .seconds(2))  // the freeze under test, not a wait for a condition
            XCTAssertEqual(kill(pid, SIGCONT), 0)
            let status = try await child.wait(timeout: .seconds(120))
            XCTAssertEqual(status, 0, child.stdout + child.stderr)

            let warning = try XCTUnwrap(
                child.stdout.split(separator: "\n").first { $0.hasPrefix("WARNING generator fell behind: ") },
                child.stdout)
            XCTAssertTrue(warning.contains("from actual send time broadcast p99 "), String(warning))
            let report = try LoadReport.decode(try Data(contentsOf: URL(fileURLWithPath: out)))
            XCTAssertEqual(report.warnings, [String(warning.dropFirst("WARNING ".count))])
            let planned = try XCTUnwrap(report.latency["broadcast"])
            let fromSend = try XCTUnwrap(report.latency["broadcastFromSend"])
            XCTAssertEqual(planned.count, fromSend.count)
            XCTAssertGreaterThanOrEqual(planned.p99, 1.0, report.summaryText())
            XCTAssertLessThan(fromSend.p99, Self.sanitized ? 0.8 : 0.3, report.summaryText())
            XCTAssertGreaterThanOrEqual(report.generator.maxSendLagSeconds, 1.5, report.summaryText())
            XCTAssertGreaterThan(report.metric("generator.lateRatio") ?? 0, 0.01)
            // Over time too: a second whose copies were late from the plan but not from their send, drawn as a
            // second line on the page's latency chart.
            // Under a sanitizer the 20 msg/s left after the freeze can all share a second with copies that waited in
            // the frozen process's socket (late from their send too): the whole-run figures above still hold there.
            if !Self.sanitized {
                XCTAssertTrue(
                    report.timeSeries.contains { $0.broadcastP99 >= 1.0 && ($0.broadcastP99FromSend ?? 1) < 0.3 },
                    "\(report.timeSeries)")
            }
            XCTAssertTrue(ReportHTML.render(report).contains(#"data-series="from-send""#))
        }
    }

    func testARunThatKeptUpPrintsNoWarning() async throws {
        let out = SyntheticReports.temporaryPath(".json")
        let scenario = try self.scenarioFile(seconds: 2)
        try await withServer { server in
            // A late threshold well above this busy, shared machine's scheduling hiccups: the test is about a
            // generator that is not held back, not about how steady the test machine is.
            let child = try ChildProcess(
                try RepositoryPaths.binary("chatctl"),
                ["run", scenario, "--target", server.url, "--out", out, "--quiet",
                 "--late-threshold", Self.sanitized ? "500ms" : "100ms"])
            child.closeStdin()
            let status = try await child.wait(timeout: .seconds(120))
            XCTAssertEqual(status, 0, child.stdout + child.stderr)
            XCTAssertFalse(child.stdout.contains("WARNING"), child.stdout)
            XCTAssertTrue(child.stdout.contains("\n  from send "), child.stdout)
            let report = try LoadReport.decode(try Data(contentsOf: URL(fileURLWithPath: out)))
            XCTAssertNil(report.warnings)
            XCTAssertEqual(report.latency["broadcastFromSend"]?.count, report.latency["broadcast"]?.count)
            XCTAssertEqual(report.latency["echoFromSend"]?.count, report.latency["echo"]?.count)
            XCTAssertGreaterThan(report.latency["broadcastFromSend"]?.count ?? 0, 0)
            XCTAssertNotNil(report.generator.cpuUtilization)
        }
    }
}
