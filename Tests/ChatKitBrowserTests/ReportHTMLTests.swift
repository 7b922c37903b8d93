import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// `ReportHTML`: a self-contained page whose charts, tables and escaping hold up in a real browser.
final class ReportHTMLTests: XCTestCase {
    /// A name that would run a script, close an attribute and break entities if it were not escaped.
    private let hostileName = #"<script>alert("x")</script> & 'co'"#

    private func report() throws -> LoadReport {
        var report = try SyntheticReports.report(
            name: self.hostileName, broadcastMicros: [900, 1_500, 2_000, 12_000, 30_000],
            counters: ["delivery.expected": 500, "delivery.received": 498, "delivery.lost": 2, "sends.total": 100],
            errors: ["rate_limited": 3, "<b>bold</b>": 1],
            timeSeries: [
                SyntheticReports.point(1, users: 4, out: 10, in: 50, p99: 0.004),
                SyntheticReports.point(2, users: 8, out: 40, in: 300, p99: 0.012),
                SyntheticReports.point(3, users: 12, out: 50, in: 600),  // no broadcast sample: a gap
                SyntheticReports.point(4, users: 12, out: 0, in: 25, errors: 3, p99: 0.030),
                SyntheticReports.point(5, users: 12, out: 0, in: 23, errors: 1, p99: 0.002),
                SyntheticReports.point(6, users: 11, out: 0, in: 2, p99: 0.001),
            ],
            thresholds: ["delivery.lost": "== 0", "latency.broadcast.p99": "< 50ms", "connect.errors": "< 1%"])
        report.notes.append("Note with <markup> & \"quotes\".")
        return report
    }

    private func write(_ html: String) throws -> String {
        let path = SyntheticReports.temporaryPath(".html")
        try Data(html.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testThePageLoadsNothingAndEscapesEveryStringFromTheReport() throws {
        let html = ReportHTML.render(try self.report())
        for forbidden in ["<script", "<link", "<img", "<iframe", " src=", " href=", "http://", "https://", "url(", "@import"] {
            XCTAssertFalse(html.contains(forbidden), "the page contains \(forbidden)")
        }
        XCTAssertTrue(html.contains("default-src 'none'"))
        XCTAssertTrue(html.contains("<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</h1>"), html)
        XCTAssertTrue(html.contains("&lt;b&gt;bold&lt;/b&gt;"))
        XCTAssertTrue(html.contains("Note with &lt;markup&gt; &amp; &quot;quotes&quot;."))
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    }

    func testChromiumRendersTheChartsTheThresholdsAndTheSummary() async throws {
        let page = try self.write(ReportHTML.render(try self.report()))
        let dom = try await HeadlessChromium.dumpDOM(of: page)

        // No element came out of the scenario name: it is text in the heading and the title.
        XCTAssertFalse(dom.contains("<script"), dom)
        XCTAssertFalse(dom.contains("<b>bold"), dom)
        XCTAssertTrue(dom.contains(#"<h1>&lt;script&gt;alert("x")&lt;/script&gt; &amp; 'co'</h1>"#), dom)
        XCTAssertTrue(dom.contains(#"<span id="result" class="result">FAIL</span>"#))

        // Four charts, each an <svg> with its series and a marker per data point.
        let latency = try self.element("svg", id: "chart-latency", in: dom)
        XCTAssertEqual(self.count(#"<circle class="point""#, in: latency), 5, "second 3 has no sample")
        XCTAssertEqual(self.count("<polyline", in: latency), 2, "the line breaks at the gap")
        XCTAssertTrue(latency.contains(#"data-x="2" data-y="0.012""#), latency)
        XCTAssertTrue(latency.contains(#"data-series="p99""#))
        let messages = try self.element("svg", id: "chart-messages", in: dom)
        XCTAssertTrue(messages.contains(#"data-series="out""#) && messages.contains(#"data-series="in""#))
        XCTAssertEqual(self.count(#"<circle class="point""#, in: messages), 12)
        XCTAssertTrue(messages.contains(#"data-x="3" data-y="600.0""#), messages)
        let users = try self.element("svg", id: "chart-users", in: dom)
        XCTAssertEqual(self.count(#"<circle class="point""#, in: users), 6)
        XCTAssertTrue(users.contains(#"data-x="6" data-y="11.0""#))
        let errors = try self.element("svg", id: "chart-errors", in: dom)
        XCTAssertTrue(errors.contains(#"data-x="4" data-y="3.0""#))

        // The thresholds table: one row per rule, with its verdict.
        let thresholds = try self.element("table", id: "thresholds", in: dom)
        XCTAssertEqual(self.count(#"<tr class="threshold"#, in: thresholds), 3)
        XCTAssertTrue(thresholds.contains(#"<tr class="threshold fail" data-metric="delivery.lost"><td class="status">FAIL</td>"#), thresholds)
        XCTAssertTrue(thresholds.contains(#"<tr class="threshold pass" data-metric="latency.broadcast.p99"><td class="status">PASS</td>"#))
        XCTAssertTrue(thresholds.contains("<code>&lt; 50ms</code>"))

        // The summary: latency per family with samples, counters, the scenario.
        let latencyTable = try self.element("table", id: "latency-table", in: dom)
        XCTAssertTrue(latencyTable.contains(#"<tr data-family="broadcast"><th>broadcast</th><td class="num">5</td>"#), latencyTable)
        XCTAssertFalse(latencyTable.contains(#"data-family="whisper""#), "families without samples are left out")
        XCTAssertTrue(dom.contains(#"<tr data-counter="delivery.lost" class="bad"><td>lost</td><td class="num">2</td></tr>"#))
        XCTAssertTrue(dom.contains(#"<tr data-counter="errors.rate_limited" class="bad"><td>rate_limited</td>"#))
        XCTAssertTrue(dom.contains(#"<tr data-field="seed"><th>seed</th><td>7</td></tr>"#))
        XCTAssertTrue(dom.contains(#"<tr data-field="planFingerprint"><th>plan fingerprint</th><td>00112233aabbccdd</td></tr>"#))
    }

    func testChromiumTakesAScreenshotOfThePage() async throws {
        let page = try self.write(ReportHTML.render(try self.report()))
        let png = SyntheticReports.temporaryPath(".png")
        try await HeadlessChromium.screenshot(of: page, to: png)
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
        XCTAssertGreaterThan(data.count, 30_000, "a page with four charts is not a near-blank picture")
        if let keep = ProcessInfo.processInfo.environment["CHATKIT_KEEP_SCREENSHOT"] {
            try data.write(to: URL(fileURLWithPath: keep))
        }
    }

    func testAnEmptyRunStillGivesChartsSayingThereIsNoData() throws {
        let html = ReportHTML.render(try SyntheticReports.report())
        for id in ["chart-latency", "chart-messages", "chart-users", "chart-errors"] {
            XCTAssertTrue(html.contains("<svg id=\"\(id)\" class=\"chart\""), id)
        }
        XCTAssertEqual(html.components(separatedBy: ">no data</text>").count - 1, 4)
        XCTAssertTrue(html.contains("No thresholds"))
        XCTAssertTrue(html.contains("No latency samples."))
    }

    // MARK: Reading the serialised DOM

    /// The outer markup of the first `<tag id="id" …>…</tag>` (no nesting of the same tag inside).
    private func element(_ tag: String, id: String, in dom: String) throws -> String {
        let start = try XCTUnwrap(dom.range(of: "<\(tag) id=\"\(id)\""), "no <\(tag) id=\"\(id)\"> in the DOM")
        let end = try XCTUnwrap(dom.range(of: "</\(tag)>", range: start.upperBound..<dom.endIndex), "unclosed \(id)")
        return String(dom[start.lowerBound..<end.upperBound])
    }

    private func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
}
