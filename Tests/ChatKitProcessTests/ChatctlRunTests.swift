import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// `chatctl run` as a real child process: exit codes, report file, dry runs, libcurl calls.
final class ChatctlRunTests: XCTestCase {
    private func chatctl(_ arguments: [String], environment: [String: String]? = nil, timeout: Duration = .seconds(120))
        async throws -> (status: Int32, stdout: String, stderr: String)
    {
        let child = try ChildProcess(try RepositoryPaths.binary("chatctl"), arguments, environment: environment)
        child.closeStdin()
        let status = try await child.wait(timeout: timeout)
        return (status, child.stdout, child.stderr)
    }

    private func scenarioFile(_ json: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID().uuidString).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private var smoke: String { RepositoryPaths.root.appendingPathComponent("scenarios/smoke.json").path }

    func testSmokeScenarioPassesAgainstTheEmbeddedServerAndWritesItsReport() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json").path
        let result = try await self.chatctl(["run", self.smoke, "--out", out, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("started an embedded ChatKit server at ws://127.0.0.1:"), result.stderr)
        XCTAssertTrue(result.stdout.contains("result: PASS"))
        XCTAssertTrue(result.stdout.contains("delivery     expected 4615  received 4615  lost 0"), result.stdout)
        let report = try LoadReport.decode(try Data(contentsOf: URL(fileURLWithPath: out)))
        XCTAssertTrue(report.passed)
        XCTAssertEqual(report.counters["delivery.lost"], 0)
        XCTAssertEqual(report.counters["delivery.expected"], 4615)
        XCTAssertEqual(report.scenario.planFingerprint, "f6f4109eeafd4e48")
        XCTAssertEqual(report.thresholds.count, 10)
        XCTAssertEqual(report.counters["scripts.started"], 20)
        XCTAssertEqual(report.counters["scripts.stopped"], 0)
        XCTAssertFalse(report.timeSeries.isEmpty)
        XCTAssertEqual(try LoadReport.decode(try report.jsonData()), report)
    }

    func testAFailedThresholdExitsOne() async throws {
        let result = try await self.chatctl(["run", self.smoke, "--quiet", "--threshold", "latency.broadcast.p99 < 1us"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("FAIL  latency.broadcast.p99 < 1us"), result.stdout)
        XCTAssertTrue(result.stdout.contains("result: FAIL"))
    }

    func testInvalidScenarioOrUsageExitsTwoWithoutConnecting() async throws {
        let bad = try self.scenarioFile(#"{"name":"bad","groups":[{"count":2}],"phases":[{"type":"arrivals","duration":"1s","rate":"fast"}]}"#)
        let invalid = try await self.chatctl(["run", bad])
        XCTAssertEqual(invalid.status, 2)
        XCTAssertTrue(invalid.stderr.contains(#"phases[0].rate: expected "N/s", got "fast""#), invalid.stderr)
        XCTAssertFalse(invalid.stderr.contains("embedded"))

        let missing = try await self.chatctl(["run", "/nonexistent/scenario.json"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read the file"), missing.stderr)

        let badThreshold = try await self.chatctl(["run", self.smoke, "--threshold", "delivery.lost is zero"])
        XCTAssertEqual(badThreshold.status, 2)
        XCTAssertTrue(badThreshold.stderr.contains("--threshold delivery.lost is zero"), badThreshold.stderr)

        let badFlag = try await self.chatctl(["run", self.smoke, "--frobnicate"])
        XCTAssertEqual(badFlag.status, 2)
        XCTAssertTrue(badFlag.stderr.contains("Unknown option '--frobnicate'"), badFlag.stderr)
    }

    func testUnreachableTargetExitsThree() async throws {
        let result = try await self.chatctl(["run", self.smoke, "--target", "ws://127.0.0.1:9/ws", "--quiet"])
        XCTAssertEqual(result.status, 3)
        XCTAssertTrue(result.stderr.contains("target unreachable: ws://127.0.0.1:9/ws"), result.stderr)
    }

    func testDryRunPrintsTheSamePlanForTheSameSeed() async throws {
        let first = try await self.chatctl(["run", self.smoke, "--dry-run"])
        let again = try await self.chatctl(["run", self.smoke, "--dry-run"])
        let reseeded = try await self.chatctl(["run", self.smoke, "--dry-run", "--seed", "8"])
        XCTAssertEqual(first.status, 0)
        XCTAssertEqual(first.stdout, again.stdout)
        XCTAssertTrue(first.stdout.contains("plan fingerprint f6f4109eeafd4e48"), first.stdout)
        XCTAssertNotEqual(first.stdout, reseeded.stdout)
    }

    func testHTTPStepsAndAdminStatsGoThroughLibcurl() async throws {
        try await withServer({ $0.adminToken = "tok" }) { server in
            let scenario = try self.scenarioFile(#"""
                {"name":"http","admin":{"url":"\#(server.httpURL)","token":"tok"},
                 "groups":[{"name":"g","count":2,"rooms":["r"],"script":[
                   {"say":{"room":"r","text":"hello","count":3}},
                   {"http":{"url":"/healthz","status":200}},
                   {"http":{"url":"/admin/stats","status":200}},
                   {"http":{"method":"POST","url":"/admin/rooms/r/messages","body":"{\"content\":\"from a script\"}","status":201}},
                   {"http":{"url":"/nope","status":200}}]}],
                 "phases":[{"type":"script","duration":"10s"}],
                 "thresholds":{"http.failed":"== 2"}}
                """#)
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString).json").path
            let result = try await self.chatctl(["run", scenario, "--target", server.url, "--out", out, "--quiet"])
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
            let report = try LoadReport.decode(try Data(contentsOf: URL(fileURLWithPath: out)))
            XCTAssertEqual(report.counters["http.total"], 8)
            XCTAssertEqual(report.counters["http.failed"], 2)
            XCTAssertEqual(report.errors["http_status_404"], 2)
            // 6 says plus 2 announcements, each to both members.
            XCTAssertEqual(report.counters["delivery.expected"], 16)
            XCTAssertEqual(report.counters["delivery.lost"], 0)
            let before = try XCTUnwrap(report.serverStatsBefore)
            let after = try XCTUnwrap(report.serverStatsAfter)
            XCTAssertEqual(after.messagesIn - before.messagesIn, 2 + 6)  // joins and says
            XCTAssertTrue(result.stdout.contains("server       messages in +8"), result.stdout)
        }
    }
}
