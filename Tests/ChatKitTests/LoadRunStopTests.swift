import ChatKit
import ChatKitLoad
import Foundation
import XCTest

/// ``LoadRunStop``: every kind of phase notices a stop at once, not at the end of its 30 s, and the report
/// says where the run was stopped and that it did not pass.
final class LoadRunStopTests: XCTestCase {
    private func stopDuring(_ phases: String, script: String = "[]", kind: String) async throws -> LoadReport {
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"stop","groups":[{"name":"g","count":4,"rooms":["r"],"script":\#(script)}],
             "phases":[\#(phases),{"type":"hold","duration":"30s"}],"drain":"10s",
             "thresholds":{"delivery.lost":"== 0"}}
            """#.utf8))
        let stop = LoadRunStop()
        var options = LoadRunOptions(threads: 2)
        options.stop = stop
        // Once a second the runner reports the phase under way: stop as soon as it is the one under test.
        options.onProgress = { progress in
            if progress.phase == kind { stop.stop(signal: "TEST") }
        }
        let started = ContinuousClock.now
        let report = try await LoadRunner.run(scenario, options: options)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15), "stopped, not played to the end")
        let interruption = try XCTUnwrap(report.interruption, report.summaryText())
        XCTAssertEqual(interruption.signal, "TEST")
        XCTAssertEqual(interruption.phase, kind)
        XCTAssertEqual(interruption.phasesNotRun, ["hold"])
        XCTAssertEqual(report.interrupted, true)
        XCTAssertFalse(report.passed)
        // The stop is noticed at once: the drain ends almost as soon as the stop (nothing stays in flight).
        XCTAssertLessThan(report.durationSeconds - interruption.atSeconds, 1.5, report.summaryText())
        XCTAssertTrue(report.summaryText().contains(#"interrupted by TEST at "#), report.summaryText())
        return report
    }

    func testAStopEndsARampUp() async throws {
        let report = try await self.stopDuring(#"{"type":"rampUp","duration":"30s"}"#, kind: "rampUp")
        XCTAssertLessThan(report.counters["connect.attempts"] ?? 0, 4, "connects after the stop are not started")
    }

    func testAStopEndsAnArrivalsPhase() async throws {
        let report = try await self.stopDuring(
            #"{"type":"arrivals","duration":"30s","rate":"10/s","action":"say","size":16}"#, kind: "arrivals")
        XCTAssertLessThan(report.counters["sends.total"] ?? 0, 100)
    }

    func testAStopEndsAScriptPhase() async throws {
        _ = try await self.stopDuring(
            #"{"type":"script","duration":"60s"}"#, script: #"[{"wait":{"min":"30s","max":"30s"}}]"#, kind: "script")
    }

    func testAStopEndsAHold() async throws {
        _ = try await self.stopDuring(#"{"type":"hold","duration":"30s"}"#, kind: "hold")
    }

    func testTheInterruptionIsOptionalInJSONAndAnInterruptedReportNeverPasses() throws {
        var report = try SyntheticReports.report(thresholds: ["delivery.lost": "== 0"])
        XCTAssertTrue(report.passed)
        let json = String(decoding: try report.jsonData(), as: UTF8.self)
        XCTAssertFalse(json.contains("interrupt"), "absent when the run was not stopped")
        XCTAssertNil(try LoadReport.decode(Data(json.utf8)).interruption)

        report.interrupted = true
        report.interruption = .init(
            signal: "SIGTERM", atSeconds: 3.2, phase: "arrivals", phasesNotRun: ["hold"], drainEndedBy: nil)
        try report.reevaluate(overrides: [])
        XCTAssertFalse(report.passed, "every threshold holds, but the run was interrupted")
        XCTAssertEqual(try LoadReport.decode(try report.jsonData()), report)
        XCTAssertTrue(report.summaryText().contains(
            #"interrupted by SIGTERM at 3.2 s: phases after "arrivals" not run (hold)"#), report.summaryText())
        let merged = try LoadReport.merge([try SyntheticReports.report(thresholds: ["delivery.lost": "== 0"]), report])
        XCTAssertEqual(merged.interruption?.signal, "SIGTERM")
        XCTAssertFalse(merged.passed)
    }
}
