import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// `chatctl report`, `chatctl report merge` and the report outputs of `chatctl run` (`--html`, `--junit`,
/// `--live`), as a real child process: output, files and exit statuses.
final class ChatctlReportTests: XCTestCase {
    private func chatctl(_ arguments: [String], environment: [String: String]? = nil, timeout: Duration = .seconds(120))
        async throws -> (status: Int32, stdout: String, stderr: String)
    {
        let child = try ChildProcess(try RepositoryPaths.binary("chatctl"), arguments, environment: environment)
        child.closeStdin()
        let status = try await child.wait(timeout: timeout)
        return (status, child.stdout, child.stderr)
    }

    private func passingReport(shard: String? = nil, seed: UInt64 = 7) throws -> LoadReport {
        try SyntheticReports.report(
            seed: seed, localUsers: shard == nil ? 12 : 6, shard: shard, broadcastMicros: [1_000, 2_000, 4_000],
            counters: ["delivery.expected": 300, "delivery.received": 300, "sends.total": 50],
            timeSeries: [SyntheticReports.point(1, users: 12, out: 50, in: 300, p99: 0.004)],
            thresholds: ["delivery.lost": "== 0", "latency.broadcast.p99": "< 50ms"])
    }

    func testReportPrintsTheSummaryAndExitsOnItsThresholds() async throws {
        let report = try self.passingReport()
        let path = try SyntheticReports.write(report)
        let shown = try await self.chatctl(["report", path])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertEqual(shown.stdout, report.summaryText() + "\n")
        XCTAssertFalse(shown.stdout.contains("\u{1B}["), "no colour into a pipe")

        let explicit = try await self.chatctl(["report", "show", path])
        XCTAssertEqual(explicit.stdout, shown.stdout)

        let stricter = try await self.chatctl(["report", path, "--threshold", "latency.broadcast.p99 < 1ms"])
        XCTAssertEqual(stricter.status, 1)
        XCTAssertTrue(stricter.stdout.contains("FAIL  latency.broadcast.p99 < 1ms  (was 4.0ms)"), stricter.stdout)
        XCTAssertTrue(stricter.stdout.contains("PASS  delivery.lost == 0  (was 0)"))
        XCTAssertTrue(stricter.stdout.hasSuffix("result: FAIL\n"))

        // A report saved as failed fails again; an override can relax it.
        var failed = report
        failed.counters["delivery.lost"] = 2
        let failedPath = try SyntheticReports.write(failed)
        let again = try await self.chatctl(["report", failedPath])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stdout.contains("FAIL  delivery.lost == 0  (was 2)"), again.stdout)
        let relaxed = try await self.chatctl(["report", failedPath, "--threshold", "delivery.lost <= 2"])
        XCTAssertEqual(relaxed.status, 0, relaxed.stdout)
    }

    func testReportShowsNamesAndErrorsFromTheFileEscaped() async throws {
        // A report file is input like any other: its scenario name and error codes cannot act on the terminal.
        let report = try SyntheticReports.report(
            name: "evil\u{1B}]52;c;ZXZpbA==\u{07}\nresult: PASS", counters: ["delivery.expected": 1],
            errors: ["closed\u{9B}2J\u{202E}": 1], thresholds: ["delivery.expected": "> 0"])
        let shown = try await self.chatctl(["report", try SyntheticReports.write(report)])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains(#"scenario   evil\u001b]52;c;ZXZpbA==\u0007\nresult: PASS (seed"#), shown.stdout)
        XCTAssertTrue(shown.stdout.contains(#"errors       closed\u009b2J\u202e 1"#), shown.stdout)
        XCTAssertEqual(shown.stdout.components(separatedBy: "result: PASS").count, 3, "one forged, one real")
        for scalar in shown.stdout.unicodeScalars where scalar != "\n" {
            XCTAssertFalse(TerminalText.isUnsafe(scalar), "raw U+\(String(scalar.value, radix: 16)) in \(shown.stdout)")
        }
        XCTAssertEqual(shown.stdout.split(separator: "\n").filter { $0.hasPrefix("scenario") }.count, 1)
    }

    func testReportWritesTheHTMLPageAndJUnitXML() async throws {
        let path = try SyntheticReports.write(try self.passingReport())
        let html = SyntheticReports.temporaryPath(".html")
        let junit = SyntheticReports.temporaryPath(".xml")
        let result = try await self.chatctl(["report", path, "--html", html, "--junit", junit])
        XCTAssertEqual(result.status, 0, result.stderr)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(page.contains(#"<svg id="chart-latency" class="chart""#))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains(#"<testsuite name="synthetic" tests="8" failures="0""#), xml)
    }

    func testUnreadableReportsAndBadUsageExitTwoNamingTheFile() async throws {
        let missing = try await self.chatctl(["report", "/nonexistent/report.json"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "chatctl: /nonexistent/report.json: no such file\n")

        let garbage = SyntheticReports.temporaryPath(".json")
        try Data("{\"name\": ".utf8).write(to: URL(fileURLWithPath: garbage))
        let notJSON = try await self.chatctl(["report", garbage])
        XCTAssertEqual(notJSON.status, 2)
        XCTAssertTrue(notJSON.stderr.hasPrefix("chatctl: \(garbage): not valid JSON"), notJSON.stderr)

        var object = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: try self.passingReport().jsonData()) as? [String: Any])
        object["counters"] = nil
        let noCounters = SyntheticReports.temporaryPath(".json")
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: noCounters))
        let incomplete = try await self.chatctl(["report", noCounters])
        XCTAssertEqual(incomplete.status, 2)
        XCTAssertEqual(incomplete.stderr, "chatctl: \(noCounters): not a chatctl report: counters is missing\n")

        object["counters"] = ["delivery.lost": "none"]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: noCounters))
        let mistyped = try await self.chatctl(["report", noCounters])
        XCTAssertEqual(mistyped.status, 2)
        XCTAssertEqual(
            mistyped.stderr, "chatctl: \(noCounters): not a chatctl report: counters.delivery.lost: expected a number\n")

        let path = try SyntheticReports.write(try self.passingReport())
        let badRule = try await self.chatctl(["report", path, "--threshold", "delivery.lost is 0"])
        XCTAssertEqual(badRule.status, 2)
        XCTAssertTrue(badRule.stderr.contains("--threshold delivery.lost is 0: expected \"METRIC OP VALUE\""), badRule.stderr)
        XCTAssertEqual(badRule.stdout, "", "nothing is printed before the options are known to be good")

        let unwritable = try await self.chatctl(["report", path, "--html", "/nonexistent/dir/page.html"])
        XCTAssertEqual(unwritable.status, 2)
        XCTAssertTrue(
            unwritable.stderr.contains("chatctl: --html /nonexistent/dir/page.html: directory /nonexistent/dir does not exist"),
            unwritable.stderr)

        let noArgument = try await self.chatctl(["report"])
        XCTAssertEqual(noArgument.status, 2)
        XCTAssertTrue(noArgument.stderr.contains("Missing expected argument '<report>'"), noArgument.stderr)
    }

    func testMergeJoinsShardsAndRefusesReportsOfAnotherRun() async throws {
        let first = try SyntheticReports.write(try self.passingReport(shard: "1/2"), name: "shard-1")
        let second = try SyntheticReports.write(try self.passingReport(shard: "2/2"), name: "shard-2")
        let out = SyntheticReports.temporaryPath(".json")
        let junit = SyntheticReports.temporaryPath(".xml")
        let merged = try await self.chatctl(["report", "merge", first, second, "--out", out, "--junit", junit])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        let report = try LoadReport.read(contentsOf: out)
        XCTAssertNil(report.scenario.shard)
        XCTAssertEqual(report.scenario.localUsers, 12)
        XCTAssertEqual(report.counters["delivery.expected"], 600)
        XCTAssertEqual(report.latency["broadcast"]?.count, 6)
        XCTAssertEqual(merged.stdout, report.summaryText() + "\n")
        XCTAssertTrue(try String(contentsOfFile: junit, encoding: .utf8).contains("<testcase"))

        let failing = try await self.chatctl(["report", "merge", first, second, "--threshold", "delivery.expected < 600"])
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.stdout.contains("FAIL  delivery.expected < 600  (was 600)"), failing.stdout)

        let otherSeed = try SyntheticReports.write(try self.passingReport(shard: "2/2", seed: 99))
        let refused = try await self.chatctl(["report", "merge", first, otherSeed, "--out", out])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(
            refused.stderr,
            "chatctl: cannot merge: \(otherSeed) has seed 99 but \(first) has seed 7: only reports of the same "
                + "scenario, seed and plan can be merged\n")
        XCTAssertEqual(refused.stdout, "")

        let twice = try await self.chatctl(["report", "merge", first, first])
        XCTAssertEqual(twice.status, 2)
        XCTAssertTrue(twice.stderr.contains("both hold shard 1/2"), twice.stderr)

        let unreadable = try await self.chatctl(["report", "merge", first, "/nonexistent/shard.json"])
        XCTAssertEqual(unreadable.status, 2)
        XCTAssertEqual(unreadable.stderr, "chatctl: /nonexistent/shard.json: no such file\n")

        let nothing = try await self.chatctl(["report", "merge"])
        XCTAssertEqual(nothing.status, 2)
        XCTAssertTrue(nothing.stderr.contains("give the reports to merge"), nothing.stderr)
    }

    func testColourOnlyOnATerminalAndNeverWithNO_COLOR() async throws {
        // `script` gives chatctl a pseudo-terminal for stdout, as an interactive shell would.
        let passing = try SyntheticReports.write(try self.passingReport())
        let chatctl = try RepositoryPaths.binary("chatctl").path
        let onTerminal = try await self.script("\(chatctl) report \(passing) --threshold 'latency.broadcast.p99 < 1ms'")
        XCTAssertTrue(onTerminal.contains("\u{1B}[32mPASS\u{1B}[0m  delivery.lost == 0"), onTerminal)
        XCTAssertTrue(onTerminal.contains("\u{1B}[31mFAIL\u{1B}[0m  latency.broadcast.p99 < 1ms"), onTerminal)
        XCTAssertTrue(onTerminal.contains("\u{1B}[1m\u{1B}[31mresult: FAIL\u{1B}[0m"), onTerminal)
        // Apart from the colours, the text is the same.
        let plain = onTerminal.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        let piped = try await self.chatctl(["report", passing, "--threshold", "latency.broadcast.p99 < 1ms"])
        XCTAssertEqual(plain, piped.stdout)

        let noColour = try await self.script("\(chatctl) report \(passing)", environment: ["NO_COLOR": "1"])
        XCTAssertFalse(noColour.contains("\u{1B}["), noColour)
        XCTAssertTrue(noColour.contains("result: PASS"), noColour)
    }

    /// Runs `command` under `script` (a pseudo-terminal) and returns what it wrote to the terminal.
    private func script(_ command: String, environment: [String: String] = [:]) async throws -> String {
        var variables = environment
        if environment["NO_COLOR"] == nil { variables["NO_COLOR"] = "" }
        let child = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qefc", command, "/dev/null"], environment: variables)
        child.closeStdin()
        let status = try await child.wait(timeout: .seconds(60))
        XCTAssertTrue(status == 0 || status == 1, "script: \(status)\n\(child.stderr)")
        return child.stdout
    }

    func testRunWritesLiveLinesWhileItGoesAndJUnitAtTheEnd() async throws {
        let scenario = SyntheticReports.temporaryPath(".json")
        try Data(#"""
            {"name":"live-run","groups":[{"name":"g","count":4,"rooms":["r"]}],
             "phases":[{"type":"rampUp","duration":"200ms"},
                       {"type":"arrivals","duration":"4s","rate":"20/s","action":"say","size":32}],
             "drain":"2s","thresholds":{"delivery.lost":"== 0","delivery.expected":"> 0"}}
            """#.utf8).write(to: URL(fileURLWithPath: scenario))
        let live = SyntheticReports.temporaryPath(".jsonl")
        let junit = SyntheticReports.temporaryPath(".xml")
        let out = SyntheticReports.temporaryPath(".json")
        let child = try ChildProcess(
            try RepositoryPaths.binary("chatctl"),
            ["run", scenario, "--quiet", "--live", live, "--junit", junit, "--out", out])
        child.closeStdin()

        // A dashboard tailing the file sees complete lines before the run ends.
        try await eventually("a first live line", timeout: .seconds(30)) {
            (try? String(contentsOfFile: live, encoding: .utf8))?.contains("\n") ?? false
        }
        XCTAssertTrue(child.process.isRunning, "the first line came only at the end of the run")
        let early = try String(contentsOfFile: live, encoding: .utf8)
        let first = try JSONDecoder().decode(
            LiveProgressRecord.self, from: Data(try XCTUnwrap(early.split(separator: "\n").first).utf8))
        XCTAssertEqual(first.usersTotal, 4)
        XCTAssertGreaterThan(first.elapsedSeconds, 0.5)

        let status = try await child.wait(timeout: .seconds(60))
        XCTAssertEqual(status, 0, child.stdout + child.stderr)
        let lines = try String(contentsOfFile: live, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try JSONDecoder().decode(LiveProgressRecord.self, from: Data($0.utf8)) }
        let report = try LoadReport.read(contentsOf: out)
        XCTAssertEqual(records.count, report.timeSeries.count)
        XCTAssertEqual(records.map(\.point.second), report.timeSeries.map(\.second))
        XCTAssertEqual(records.map(\.point.messagesIn), report.timeSeries.map(\.messagesIn))
        XCTAssertGreaterThanOrEqual(records.count, 5)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains(#"<testsuite name="live-run" tests="8" failures="0""#), xml)
        XCTAssertTrue(xml.contains(#"<testcase classname="chatctl.thresholds.live-run" name="delivery.lost == 0""#))
    }

    func testRunRefusesALiveFileItCannotCreateBeforeConnecting() async throws {
        let smoke = RepositoryPaths.root.appendingPathComponent("scenarios/smoke.json").path
        let result = try await self.chatctl(["run", smoke, "--live", "/nonexistent/dir/live.jsonl"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "chatctl: --live /nonexistent/dir/live.jsonl: directory /nonexistent/dir does not exist\n")
    }
}
