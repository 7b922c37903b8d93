import ChatKit
import Foundation

/// A load-test report as one self-contained HTML page (`chatctl report REPORT.json --html OUT.html`): the
/// verdict, the scenario, the thresholds, four charts of the time series, the summary tables and the notes.
///
/// The page loads nothing: its CSS is inline, its charts are inline SVG (``SVGLineChart``), it has no
/// script, and a Content-Security-Policy forbids every fetch, so it can be attached to a CI run or mailed
/// and opened anywhere. Every string that comes from the report is escaped (``MarkupEscaping``).
///
/// Ids and classes tests (and people with a browser's inspector) can rely on: `#result` (PASS or FAIL),
/// `#interrupted` (the interruption's sentence, only when the run was stopped early), `#scenario` (a table with
/// one `tr[data-field]` per fact), `#checks` (one `tr.check.pass|fail` per run check, `data-check`), `#failures`
/// (one `tr[data-kind]` per failure cause), `#thresholds` (one `tr.threshold.pass|fail`
/// per rule, `data-metric`), `#chart-latency`, `#chart-messages`, `#chart-users`, `#chart-errors`
/// (see ``SVGLineChart`` for their inside), `#latency-table` (one `tr[data-family]` per family with
/// samples, `broadcastFromSend` etc. for the timings from the actual send time), `#counters` (one
/// `tr[data-counter]` per counter), `#warnings` (one `li` per warning, only when there are some) and `#notes`.
public enum ReportHTML {
    /// The whole page.
    public static func render(_ report: LoadReport) -> String {
        let verdict = report.passed ? "PASS" : "FAIL"
        let name = MarkupEscaping.escape(report.scenario.name)
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="chatctl \(MarkupEscaping.escape(ChatKitVersion.current))">
            <title>\(name): \(verdict) — chatctl load test</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            <header class="verdict \(verdict.lowercased())">
            <h1>\(name)</h1>
            <p>load test <span id="result" class="result">\(verdict)</span></p>
            \(report.interruption.map { "<p id=\"interrupted\">\(MarkupEscaping.escape($0.sentence))</p>" } ?? "")
            </header>
            <main>

            """
        html += Self.warningsSection(report)
        html += Self.scenarioSection(report)
        html += Self.checksSection(report)
        html += Self.thresholdsSection(report)
        html += Self.chartsSection(report)
        html += Self.latencySection(report)
        html += Self.countersSection(report)
        html += Self.notesSection(report)
        html += """
            </main>
            <footer>Written by chatctl \(MarkupEscaping.escape(ChatKitVersion.current)) from a report of schema \
            version \(report.schemaVersion). Times are since the start of the run; latency is measured from each \
            send's planned time, and "from send" rows from the moment it actually went out.</footer>
            </body>
            </html>

            """
        return html
    }

    // MARK: Sections

    static func scenarioSection(_ report: LoadReport) -> String {
        let scenario = report.scenario
        let formatter = ISO8601DateFormatter()
        var facts: [(field: String, label: String, value: String)] = [
            ("name", "scenario", scenario.name),
            ("seed", "seed", "\(scenario.seed)"),
            ("users", "users", scenario.localUsers == scenario.users
                ? "\(scenario.users)" : "\(scenario.users) (\(scenario.localUsers) in this report)"),
            ("protocol", "protocol", scenario.wireProtocol.rawValue),
            ("target", "target", scenario.target + (scenario.embeddedServer ? " (embedded server)" : "")),
            ("planFingerprint", "plan fingerprint", scenario.planFingerprint),
        ]
        if let shard = scenario.shard { facts.append(("shard", "shard", shard)) }
        facts.append(("startedAt", "started", formatter.string(from: report.startedAt)))
        facts.append(("duration", "duration", String(format: "%.1f s", report.durationSeconds)))
        var html = "<section>\n<h2>Scenario</h2>\n<table id=\"scenario\" class=\"facts\">\n"
        for fact in facts {
            html += "<tr data-field=\"\(fact.field)\"><th>\(fact.label)</th>"
                + "<td>\(MarkupEscaping.escape(fact.value))</td></tr>\n"
        }
        return html + "</table>\n</section>\n"
    }

    static func thresholdsSection(_ report: LoadReport) -> String {
        var html = "<section>\n<h2>Thresholds</h2>\n"
        guard !report.thresholds.isEmpty else {
            return html + "<p id=\"thresholds\" class=\"empty\">No thresholds: only the run checks decide.</p>\n"
                + "</section>\n"
        }
        let failed = report.thresholds.filter { !$0.passed }.count
        html += "<p>\(report.thresholds.count - failed) of \(report.thresholds.count) passed.</p>\n"
        html += "<table id=\"thresholds\">\n<thead><tr><th>result</th><th>metric</th><th>rule</th>"
            + "<th class=\"num\">measured</th></tr></thead>\n<tbody>\n"
        for result in report.thresholds {
            let verdict = result.passed ? "PASS" : "FAIL"
            let metric = MarkupEscaping.escape(result.metric)
            html += "<tr class=\"threshold \(verdict.lowercased())\" data-metric=\"\(metric)\">"
                + "<td class=\"status\">\(verdict)</td><td><code>\(metric)</code></td>"
                + "<td><code>\(MarkupEscaping.escape(result.expression))</code></td>"
                + "<td class=\"num\">\(MarkupEscaping.escape(result.valueText))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func chartsSection(_ report: LoadReport) -> String {
        let series = report.timeSeries
        let x = { (point: LoadReport.TimeSeriesPoint) in Double(point.second) }
        let time = { (seconds: Double) in seconds == 0 ? "0" : ScenarioUnits.describe(seconds: seconds) }
        var latencySeries: [SVGLineChart.Series] = [.init(name: "p99", points: series.map {
            $0.broadcastP99 > 0 ? .init(x: x($0), y: $0.broadcastP99) : nil
        })]
        // Reports that time copies from the actual send too: that p99 as a second line (it only parts from the
        // first when the generator fell behind).
        if series.contains(where: { $0.broadcastP99FromSend != nil }) {
            latencySeries.append(.init(name: "from-send", points: series.map { point in
                point.broadcastP99FromSend.flatMap { $0 > 0 ? .init(x: x(point), y: $0) : nil }
            }))
        }
        let charts: [(heading: String, chart: SVGLineChart)] = [
            ("Broadcast latency, p99 of each second", SVGLineChart(
                id: "chart-latency", title: "Broadcast latency p99 per second", format: time,
                series: latencySeries)),
            ("Messages out and in, each second", SVGLineChart(
                id: "chart-messages", title: "Messages sent and received per second", format: Self.count,
                series: [
                    .init(name: "out", points: series.map { .init(x: x($0), y: Double($0.messagesOut)) }),
                    .init(name: "in", points: series.map { .init(x: x($0), y: Double($0.messagesIn)) }),
                ])),
            ("Users connected", SVGLineChart(
                id: "chart-users", title: "Users connected", format: Self.count,
                series: [
                    .init(name: "connected", points: series.map { .init(x: x($0), y: Double($0.usersConnected)) })
                ])),
            ("Errors per second", SVGLineChart(
                id: "chart-errors", title: "Errors per second", format: Self.count,
                series: [.init(name: "errors", points: series.map { .init(x: x($0), y: Double($0.errors)) })])),
        ]
        let lastSecond = series.map { Double($0.second) }.max()
        var html = "<section>\n<h2>Over time</h2>\n<div class=\"charts\">\n"
        for (heading, var chart) in charts {
            chart.xMax = lastSecond
            html += "<figure>\n<figcaption>\(heading)</figcaption>\n\(chart.render())\n</figure>\n"
        }
        return html + "</div>\n</section>\n"
    }

    static func warningsSection(_ report: LoadReport) -> String {
        guard let warnings = report.warnings, !warnings.isEmpty else { return "" }
        let items = warnings.map { "<li>\(MarkupEscaping.escape($0))</li>" }.joined(separator: "\n")
        return "<section>\n<h2>Warnings</h2>\n<ul id=\"warnings\">\n\(items)\n</ul>\n</section>\n"
    }

    static func latencySection(_ report: LoadReport) -> String {
        let families: [(LoadLatency, String)] = [
            (.broadcast, "broadcast"), (.broadcastFromSend, "broadcast, from send"), (.whisper, "whisper"),
            (.whisperFromSend, "whisper, from send"), (.echo, "echo"), (.echoFromSend, "echo, from send"),
            (.connect, "connect"), (.fanoutSpread, "fan-out spread"), (.recoveryReconnect, "reconnect after churn"),
            (.recovered, "recovered copies"),
        ]
        var html = "<section>\n<h2>Latency</h2>\n"
        let rows = families.compactMap { latency, label in
            report.latency[latency.rawValue].flatMap { $0.count > 0 ? (latency.rawValue, label, $0) : nil }
        }
        guard !rows.isEmpty else {
            return html + "<p id=\"latency-table\" class=\"empty\">No latency samples.</p>\n</section>\n"
        }
        let headings = ["count", "p50", "p90", "p99", "p99.9", "max", "mean"].map { "<th class=\"num\">\($0)</th>" }
        html += "<table id=\"latency-table\">\n<thead><tr><th>family</th>\(headings.joined())</tr></thead>\n<tbody>\n"
        for (key, label, summary) in rows {
            let cells = [summary.p50, summary.p90, summary.p99, summary.p999, summary.max, summary.mean]
                .map { "<td class=\"num\">\(ScenarioUnits.describe(seconds: $0))</td>" }.joined()
            html += "<tr data-family=\"\(MarkupEscaping.escape(key))\"><th>\(label)</th>"
                + "<td class=\"num\">\(summary.count)</td>\(cells)</tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func notesSection(_ report: LoadReport) -> String {
        guard !report.notes.isEmpty else { return "" }
        let items = report.notes.map { "<li>\(MarkupEscaping.escape($0))</li>" }.joined(separator: "\n")
        return "<section>\n<h2>Notes</h2>\n<ul id=\"notes\">\n\(items)\n</ul>\n</section>\n"
    }

    /// `950`, `12.5k`, `3.2M`: short axis labels for counts.
    static func count(_ value: Double) -> String {
        if value >= 1_000_000 { return SVGLineChart.n((value / 100_000).rounded() / 10) + "M" }
        if value >= 1_000 { return SVGLineChart.n((value / 100).rounded() / 10) + "k" }
        return SVGLineChart.n(value)
    }
}
