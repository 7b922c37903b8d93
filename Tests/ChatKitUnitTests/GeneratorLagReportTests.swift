import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import ChatKitTestSupport
import Foundation
import NIOCore
import XCTest

/// Both timings of sends' copies (from the planned and from the actual send time) and the generator warning, in
/// reports: the ids and markers that carry the lag, thresholds, merge, old files, summary, page and JUnit.
final class GeneratorLagReportTests: XCTestCase {
    private func histogram(micros: [UInt64]) -> LatencyHistogram {
        var histogram = LatencyHistogram()
        for value in micros { histogram.record(nanoseconds: Int64(value) * 1000) }
        return histogram
    }

    /// A report whose broadcast copies took `plannedMicros` from their planned time and `fromSendMicros` from
    /// their actual send, with `late` of `sends` sends late by up to `maxLag` seconds.
    private func report(
        plannedMicros: [UInt64], fromSendMicros: [UInt64], sends: Int, late: Int, maxLag: Double,
        thresholds: [String: String] = [:], shard: String? = nil
    ) throws -> LoadReport {
        var report = try SyntheticReports.report(
            localUsers: shard == nil ? nil : 6, shard: shard, broadcastMicros: plannedMicros,
            counters: ["sends.total": sends, "sends.late": late],
            generator: .init(
                sends: sends, lateSends: late, lateThresholdSeconds: 0.01, maxSendLagSeconds: maxLag, failedSends: 0,
                cpuSeconds: 1, peakResidentBytes: 1, cpuUtilization: 0.2, cpuCores: 2))
        report.latency["broadcastFromSend"] = .init(self.histogram(micros: fromSendMicros))
        report.refreshGeneratorWarning()
        let rules = try thresholds.sorted { $0.key < $1.key }.map { try Threshold.parse(metric: $0.key, expression: $0.value).get() }
        report.evaluate(rules)
        return report
    }

    func testIdsAndRawMarkersCarryTheLagAndOlderOnesReadAsLagZero() throws {
        let parsed = try XCTUnwrap(SimulatedUser.parseID("12.34.5678901234.2000000"))
        XCTAssertEqual(parsed.sender, 12)
        XCTAssertEqual(parsed.sentAt, 5_678_901_234)
        XCTAssertEqual(parsed.lag, 2_000_000)
        XCTAssertEqual(SimulatedUser.parseID("w3.1.99")?.lag, 0)
        XCTAssertNil(SimulatedUser.parseID("3.1.99.x"))
        XCTAssertNil(SimulatedUser.parseID("3.1.99.5.6"))

        let frame = ServerFrame.message(ChatMessage(
            room: "r", from: "u", content: "x", id: "7.2.1000.250", seq: 1, ts: 1))
        let scanned = try XCTUnwrap(FrameScanner.scan(ByteBuffer(string: frame.encoded())))
        XCTAssertEqual(scanned.sender, 7)
        XCTAssertEqual(scanned.sentAt, 1000)
        XCTAssertEqual(scanned.sendLag, 250)
        let older = ServerFrame.whisper(WhisperMessage(from: "a", to: "b", content: "hi", id: "w3.1.99", ts: 1))
        XCTAssertEqual(FrameScanner.scan(ByteBuffer(string: older.encoded()))?.sendLag, 0)

        let marker = RawMarker(sender: 4, senderNumber: 17, globalNumber: 99, sentNanoseconds: 123_456_789, lagNanoseconds: 42)
        XCTAssertEqual(marker.text, "chatctl|4|17|99|123456789|42|")
        XCTAssertEqual(RawMarker(parsing: ByteBuffer(string: marker.text + "padding")), marker)
        // Only characters JSON never escapes, so the marker reads the same inside a JSON string.
        XCTAssertTrue(marker.text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" })
    }

    func testThresholdsOnBothTimingsAndOnTheGeneratorEvaluate() throws {
        let report = try self.report(
            plannedMicros: Array(repeating: 1_500_000, count: 50) + Array(repeating: 2_000, count: 50),
            fromSendMicros: Array(repeating: 2_000, count: 100), sends: 200, late: 50, maxLag: 1.5,
            thresholds: [
                "latency.broadcast.p99": "< 100ms", "latency.broadcast.fromSend.p99": "< 100ms",
                "latency.broadcast.fromSend.p99.9": "< 3ms", "generator.lateRatio": "< 1%",
                "generator.maxLag": "< 1s", "generator.cpuUtilization": "< 0.9",
            ])
        let results = Dictionary(uniqueKeysWithValues: report.thresholds.map { ($0.metric, $0) })
        XCTAssertEqual(results["latency.broadcast.p99"]?.passed, false)
        XCTAssertEqual(results["latency.broadcast.fromSend.p99"]?.passed, true)
        XCTAssertEqual(results["latency.broadcast.fromSend.p99"]?.value ?? 0, 0.002, accuracy: 0.00001)
        XCTAssertEqual(results["latency.broadcast.fromSend.p99.9"]?.passed, true)
        XCTAssertEqual(results["generator.lateRatio"]?.value, 0.25)
        XCTAssertEqual(results["generator.lateRatio"]?.passed, false)
        XCTAssertEqual(results["generator.lateRatio"]?.valueText, "25.000%")
        XCTAssertEqual(results["generator.maxLag"]?.value, 1.5)
        XCTAssertEqual(results["generator.maxLag"]?.passed, false)
        XCTAssertEqual(results["generator.cpuUtilization"]?.passed, true)
        XCTAssertEqual(report.metric("generator.lateRatio"), 0.25)
        // A fraction and a percentage are the same rule; a time needs a unit; no fromSend for connect.
        XCTAssertEqual(try Threshold.parse(rule: "generator.lateRatio < 0.01").get().bound, 0.01)
        XCTAssertEqual(try Threshold.parse(rule: "generator.lateRatio < 1%").get().bound, 0.01)
        XCTAssertThrowsError(try Threshold.parse(rule: "generator.maxLag < 2").get())
        XCTAssertThrowsError(try Threshold.parse(rule: "latency.connect.fromSend.p99 < 2ms").get())
        // A report read back gives the same verdict.
        var reread = try LoadReport.decode(try report.jsonData())
        try reread.reevaluate()
        XCTAssertEqual(reread.thresholds, report.thresholds)
    }

    func testAMergeKeepsBothTimingsAndMakesTheGeneratorWarningAgain() throws {
        let frozen = try self.report(
            plannedMicros: [2_000_000, 1_000_000, 3_000], fromSendMicros: [3_000, 3_000, 3_000], sends: 10, late: 4,
            maxLag: 2, thresholds: ["generator.lateRatio": "< 1%"], shard: "1/2")
        let healthy = try self.report(
            plannedMicros: [4_000, 5_000], fromSendMicros: [4_000, 5_000], sends: 10, late: 0, maxLag: 0.001,
            shard: "2/2")
        XCTAssertNil(healthy.warnings)
        XCTAssertEqual(frozen.warnings?.count, 1)

        let merged = try LoadReport.merge([frozen, healthy])
        XCTAssertEqual(merged.latency["broadcast"]?.count, 5)
        XCTAssertEqual(merged.latency["broadcastFromSend"]?.count, 5)
        XCTAssertEqual(merged.latency["broadcast"]?.max ?? 0, 2.0, accuracy: 0.01)
        XCTAssertEqual(merged.latency["broadcastFromSend"]?.max ?? 0, 0.005, accuracy: 0.0001)
        XCTAssertEqual(merged.generator.lateRatio, 0.2)
        XCTAssertEqual(merged.generator.cpuUtilization, 0.2)
        XCTAssertEqual(merged.thresholds.first?.value, 0.2)
        XCTAssertFalse(merged.passed)
        // One generator warning, of the merged numbers, not one per shard.
        XCTAssertEqual(merged.warnings?.count, 1)
        let warning = try XCTUnwrap(merged.warnings?.first)
        XCTAssertTrue(warning.hasPrefix("generator fell behind: 4 of 20 sends late (over 10.0ms behind plan), up to 2.00s"), warning)
        XCTAssertTrue(warning.hasSuffix("; from actual send time broadcast p99 5.0ms"), warning)
    }

    func testAReportWithoutTheNewFieldsStillDecodes() throws {
        let current = try self.report(
            plannedMicros: [2_000_000, 3_000], fromSendMicros: [3_000, 3_000], sends: 10, late: 5, maxLag: 2,
            thresholds: ["delivery.lost": "== 0"])
        XCTAssertNotNil(current.warnings)
        // The report as chatctl wrote it before: no warnings, no *FromSend families, no CPU utilization.
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: try current.jsonData()) as? [String: Any])
        json["warnings"] = nil
        var latency = try XCTUnwrap(json["latency"] as? [String: Any])
        for key in ["broadcastFromSend", "whisperFromSend", "echoFromSend"] { latency[key] = nil }
        json["latency"] = latency
        var generator = try XCTUnwrap(json["generator"] as? [String: Any])
        generator["cpuUtilization"] = nil
        generator["cpuCores"] = nil
        json["generator"] = generator
        let old = try LoadReport.decode(try JSONSerialization.data(withJSONObject: json))
        XCTAssertNil(old.warnings)
        XCTAssertNil(old.latency["broadcastFromSend"])
        XCTAssertNil(old.generator.cpuUtilization)
        XCTAssertEqual(old.metric("latency.broadcast.fromSend.p99"), 0)
        XCTAssertEqual(old.metric("generator.cpuUtilization"), 0)
        XCTAssertEqual(old.metric("generator.lateRatio"), 0.5)
        XCTAssertFalse(old.summaryText().contains("WARNING"))
        XCTAssertFalse(old.summaryText().contains("from send"))
        // Merging old and new works; the merge warns from the generator numbers, which old reports have too.
        let merged = try LoadReport.merge([old, current])
        XCTAssertEqual(merged.latency["broadcastFromSend"]?.count, 2)
        XCTAssertEqual(merged.warnings?.count, 1)
    }

    func testSummaryPageAndJUnitShowBothTimingsAndTheWarning() throws {
        let report = try self.report(
            plannedMicros: [2_000_000, 1_000_000, 3_000], fromSendMicros: [3_000, 3_100, 2_900], sends: 1000,
            late: 203, maxLag: 2)
        let summary = report.summaryText()
        let lines = summary.split(separator: "\n").map(String.init)
        let broadcast = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("broadcast ") }, summary)
        XCTAssertTrue(lines[broadcast + 1].hasPrefix("  from send             3 "), summary)
        XCTAssertTrue(lines.contains(
            "WARNING generator fell behind: 203 of 1000 sends late (over 10.0ms behind plan), up to 2.00s; "
                + "from actual send time broadcast p99 3.1ms"), summary)
        XCTAssertTrue(summary.contains("generator    cpu 1.00 s (20% of 2 cores in the load window)"), summary)

        let html = ReportHTML.render(report)
        XCTAssertTrue(html.contains("<ul id=\"warnings\">\n<li>generator fell behind: 203 of 1000 sends late"), html)
        XCTAssertTrue(html.contains("<tr data-family=\"broadcastFromSend\"><th>broadcast, from send</th>"), html)
        XCTAssertTrue(html.contains("data-counter=\"generator.cpuUtilization\""), html)
        XCTAssertTrue(ReportJUnit.render(report).contains("<system-out>WARNING generator fell behind: 203 of 1000"))

        let healthy = try self.report(plannedMicros: [3_000], fromSendMicros: [3_000], sends: 1000, late: 0, maxLag: 0.002)
        XCTAssertFalse(healthy.summaryText().contains("WARNING"))
        XCTAssertFalse(ReportHTML.render(healthy).contains("id=\"warnings\""))
        XCTAssertFalse(ReportJUnit.render(healthy).contains("system-out"))
    }

    func testASaturatedCPUIsAWarningEvenWithoutLateSends() throws {
        var report = try self.report(plannedMicros: [3_000], fromSendMicros: [3_000], sends: 100, late: 0, maxLag: 0.001)
        report.generator.cpuUtilization = 0.95
        report.refreshGeneratorWarning()
        XCTAssertEqual(
            report.warnings,
            ["generator CPU saturated: CPU 95% of 2 cores busy in the load window; from actual send time broadcast p99 3.0ms"])
    }
}
