import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// SIGINT and SIGTERM to a real `chatctl run` child: it stops, prints its summary, writes every output marked
/// interrupted and exits 130 or 143, also when started with SIGINT ignored (a background job) and without a TTY.
final class ChatctlInterruptTests: XCTestCase {
    /// Ten users of one room, then a 30 s constant-rate phase: far longer than any test waits.
    private static let longChatScenario = #"""
        {"name":"long","seed":3,"groups":[{"name":"g","count":10,"rooms":["r"]}],
         "phases":[{"type":"arrivals","duration":"30s","rate":"20/s","action":"say","size":32},
                   {"type":"hold","duration":"5s"}],
         "drain":"10s","thresholds":{"delivery.lost":"== 0"}}
        """#

    /// A fresh directory for one test's outputs, and the scenario written into another.
    private func workspace(_ scenario: String) throws -> (directory: URL, scenario: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID().uuidString).json")
        try Data(scenario.utf8).write(to: path)
        return (directory, path.path)
    }

    private func outputArguments(_ directory: URL) -> [String] {
        ["--out", directory.appendingPathComponent("r.json").path, "--html", directory.appendingPathComponent("r.html").path,
         "--junit", directory.appendingPathComponent("r.xml").path, "--live", directory.appendingPathComponent("l.jsonl").path]
    }

    /// Starts `chatctl run` (through `/bin/sh` with SIGINT ignored when `ignoringSIGINT`) and waits until the
    /// run is under way: its --live file has a first second.
    private func startRun(_ arguments: [String], live: URL, ignoringSIGINT: Bool = false) async throws -> ChildProcess {
        let chatctl = try RepositoryPaths.binary("chatctl")
        let child: ChildProcess
        if ignoringSIGINT {
            // What a shell does to a background job (`chatctl run … &`); exec keeps the pid.
            child = try ChildProcess(
                URL(fileURLWithPath: "/bin/sh"), ["-c", #"trap "" INT; exec "$0" "$@""#, chatctl.path, "run"] + arguments)
        } else {
            child = try ChildProcess(chatctl, ["run"] + arguments)
        }
        child.closeStdin()
        try await eventually("the run is under way (a --live line)", timeout: .seconds(60)) {
            guard child.process.isRunning else { return true }
            return ((try? String(contentsOf: live, encoding: .utf8)) ?? "").contains("\n")
        }
        XCTAssertTrue(child.process.isRunning, child.stdout + child.stderr)
        return child
    }

    /// Signals the run and checks what a user would: exit status, summary line, and three reports that parse
    /// and say interrupted; and that no temporary file is left beside them.
    private func interrupt(ignoringSIGINT: Bool = false, signal number: Int32, name: String, status: Int32) async throws {
        let (directory, scenario) = try self.workspace(Self.longChatScenario)
        let child = try await self.startRun(
            [scenario] + self.outputArguments(directory), live: directory.appendingPathComponent("l.jsonl"),
            ignoringSIGINT: ignoringSIGINT)
        let signalled = ContinuousClock.now
        kill(child.process.processIdentifier, number)
        let exit = try await child.wait(timeout: .seconds(30))
        XCTAssertLessThan(ContinuousClock.now - signalled, .seconds(10), "a few seconds, not the 30 s phase")
        XCTAssertEqual(exit, status, child.stdout + child.stderr)
        XCTAssertTrue(child.stderr.contains("chatctl: \(name): stopping the run"), child.stderr)
        XCTAssertTrue(child.stdout.contains("interrupted by \(name) at "), child.stdout)
        XCTAssertTrue(child.stdout.contains(#"phases after "arrivals" not run (hold)"#), child.stdout)
        XCTAssertTrue(child.stdout.contains("result: FAIL"), child.stdout)

        let json = try Data(contentsOf: directory.appendingPathComponent("r.json"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertEqual(object["interrupted"] as? Bool, true)
        let report = try LoadReport.decode(json)
        let interruption = try XCTUnwrap(report.interruption)
        XCTAssertEqual(interruption.signal, name)
        XCTAssertEqual(interruption.phase, "arrivals")
        XCTAssertGreaterThan(interruption.atSeconds, 0)
        XCTAssertLessThan(interruption.atSeconds, 30)
        XCTAssertFalse(report.passed)
        XCTAssertGreaterThan(report.counters["sends.total"] ?? 0, 0, "what was measured is kept")
        XCTAssertLessThan(report.counters["sends.total"] ?? 0, 600, "no sends after the stop")

        let html = try String(contentsOf: directory.appendingPathComponent("r.html"), encoding: .utf8)
        XCTAssertTrue(html.contains(#"<span id="result" class="result">FAIL</span>"#))
        XCTAssertTrue(html.contains(#"<p id="interrupted">interrupted by \#(name) at"#), html)
        let junit = try await self.junitFailureTypes(directory.appendingPathComponent("r.xml"))
        XCTAssertTrue(junit.contains("interrupted"), "\(junit)")

        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(left, ["l.jsonl", "r.html", "r.json", "r.xml"], "no temporary file left")
    }

    /// The JUnit file's `<failure type=…>` values, parsed by Python's ElementTree (an independent parser).
    private func junitFailureTypes(_ file: URL) async throws -> [String] {
        let python = try ChildProcess(try RepositoryPaths.python(), [
            "-c", "import sys, xml.etree.ElementTree as ET\n"
                + "print(' '.join(f.get('type') for f in ET.parse(sys.argv[1]).iter('failure')))", file.path,
        ])
        python.closeStdin()
        let status = try await python.wait()
        XCTAssertEqual(status, 0, python.stderr)
        return python.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    func testSIGINTStopsTheRunReportsItAndExits130() async throws {
        try await self.interrupt(signal: SIGINT, name: "SIGINT", status: 130)
    }

    func testSIGTERMStopsTheRunReportsItAndExits143() async throws {
        try await self.interrupt(signal: SIGTERM, name: "SIGTERM", status: 143)
    }

    func testSIGINTStopsARunStartedWithSIGINTIgnoredAsABackgroundJob() async throws {
        try await self.interrupt(ignoringSIGINT: true, signal: SIGINT, name: "SIGINT", status: 130)
    }

    /// Against a server that never answers every send stays in flight: the drain after a stop lasts
    /// ``LoadRunStop/drainLimitSeconds`` (not the scenario's 10 s), and a second signal ends it at once.
    func testTheDrainAfterAStopIsBoundedAndASecondSignalEndsItAtOnce() async throws {
        let sink = try ChildProcess(try RepositoryPaths.python(), [RepositoryPaths.interopScript("websockets_sink_server.py")])
        defer { sink.closeStdin() }
        let port = try await sink.firstLine()
        let scenario = #"""
            {"name":"sink","protocol":"raw","groups":[{"name":"g","count":4}],
             "phases":[{"type":"arrivals","duration":"30s","rate":"20/s","action":"say","size":80}],"drain":"10s"}
            """#
        for second in [false, true] {
            let (directory, path) = try self.workspace(scenario)
            let child = try await self.startRun(
                [path, "--target", "ws://127.0.0.1:\(port)/"] + self.outputArguments(directory),
                live: directory.appendingPathComponent("l.jsonl"))
            kill(child.process.processIdentifier, SIGTERM)
            if second {
                try await eventually("the first SIGTERM is taken") { child.stderr.contains("stopping the run") }
                kill(child.process.processIdentifier, SIGTERM)
            }
            let status = try await child.wait(timeout: .seconds(30))
            XCTAssertEqual(status, 143, child.stdout + child.stderr)
            let report = try LoadReport.decode(try Data(contentsOf: directory.appendingPathComponent("r.json")))
            let interruption = try XCTUnwrap(report.interruption)
            // durationSeconds ends with the drain.
            let drained = report.durationSeconds - interruption.atSeconds
            if second {
                XCTAssertEqual(interruption.drainEndedBy, "SIGTERM")
                XCTAssertTrue(child.stdout.contains("a second SIGTERM ended the drain at once"), child.stdout)
                XCTAssertLessThan(drained, 1.0, "the second signal ended the drain")
            } else {
                XCTAssertNil(interruption.drainEndedBy)
                XCTAssertGreaterThan(drained, LoadRunStop.drainLimitSeconds - 0.1, "in-flight sends get the drain")
                XCTAssertLessThan(drained, LoadRunStop.drainLimitSeconds + 1.5, "bounded, not the scenario's 10 s")
            }
        }
    }
}
