import Foundation

extension ReportHTML {
    /// A counter the page shows: its label, its metric name, and whether a non-zero value is bad news.
    private struct CounterRow {
        var label: String
        var metric: String
        var badWhenNonZero = false
    }

    /// The counters of the summary as cards (delivery, whispers, presence, connections, sends, traffic,
    /// script, errors, generator, server), each row a `tr[data-counter]` inside `#counters`.
    static func countersSection(_ report: LoadReport) -> String {
        var cards: [(title: String, rows: [(label: String, key: String, value: String, bad: Bool)])] = []
        let counter = { (row: CounterRow) -> (String, String, String, Bool) in
            let value = report.counters[row.metric] ?? 0
            return (row.label, row.metric, "\(value)", row.badWhenNonZero && value != 0)
        }
        let group = { (title: String, rows: [CounterRow]) in cards.append((title, rows.map(counter))) }

        group("Delivery", [
            CounterRow(label: "expected", metric: "delivery.expected"),
            CounterRow(label: "received", metric: "delivery.received"),
            CounterRow(label: "lost", metric: "delivery.lost", badWhenNonZero: true),
            CounterRow(label: "duplicated", metric: "delivery.duplicated", badWhenNonZero: true),
            CounterRow(label: "out of order", metric: "delivery.outOfOrder", badWhenNonZero: true),
        ])
        if report.scenario.wireProtocol == .chat {
            group("Whispers", [
                CounterRow(label: "sent", metric: "whisper.sent"),
                CounterRow(label: "delivered", metric: "whisper.delivered"),
                CounterRow(label: "lost", metric: "whisper.lost", badWhenNonZero: true),
                CounterRow(label: "leaks", metric: "whisper.leaks", badWhenNonZero: true),
            ])
            group("Presence", [
                CounterRow(label: "expected", metric: "presence.expected"),
                CounterRow(label: "observed", metric: "presence.observed"),
                CounterRow(label: "missing", metric: "presence.missing", badWhenNonZero: true),
            ])
        }
        group("Connections", [
            CounterRow(label: "attempts", metric: "connect.attempts"),
            CounterRow(label: "errors", metric: "connect.errors", badWhenNonZero: true),
            CounterRow(label: "disconnects", metric: "connect.disconnects", badWhenNonZero: true),
            CounterRow(label: "reconnects", metric: "connect.reconnects"),
        ])
        group("Sends", [
            CounterRow(label: "total", metric: "sends.total"),
            CounterRow(label: "late", metric: "sends.late", badWhenNonZero: true),
            CounterRow(label: "failed", metric: "sends.failed", badWhenNonZero: true),
        ])
        let seconds = max(report.durationSeconds, 0.001)
        let messagesOut = report.counters["messages.out"] ?? 0
        let messagesIn = report.counters["messages.in"] ?? 0
        cards.append(("Traffic", [
            ("messages out", "messages.out", "\(messagesOut) (\(String(format: "%.0f", Double(messagesOut) / seconds))/s)", false),
            ("messages in", "messages.in", "\(messagesIn) (\(String(format: "%.0f", Double(messagesIn) / seconds))/s)", false),
        ]))
        if (report.counters["expect.total"] ?? 0) > 0 || (report.counters["http.total"] ?? 0) > 0 {
            group("Script", [
                CounterRow(label: "expects", metric: "expect.total"),
                CounterRow(label: "expects failed", metric: "expect.failed", badWhenNonZero: true),
                CounterRow(label: "http calls", metric: "http.total"),
                CounterRow(label: "http failed", metric: "http.failed", badWhenNonZero: true),
            ])
        }
        var errorRows = [("total", "errors.total", "\(report.counters["errors.total"] ?? 0)", (report.counters["errors.total"] ?? 0) > 0)]
        for (code, count) in report.errors.sorted(by: { $0.key < $1.key }) {
            errorRows.append((code, "errors.\(code)", "\(count)", count > 0))
        }
        cards.append(("Errors", errorRows))
        let generator = report.generator
        cards.append(("Generator", [
            ("cpu", "generator.cpuSeconds", String(format: "%.2f s", generator.cpuSeconds), false),
            ("peak memory", "generator.peakResidentBytes",
             String(format: "%.0f MB", Double(generator.peakResidentBytes) / 1_048_576), false),
            ("late threshold", "generator.lateThresholdSeconds", ScenarioUnits.describe(seconds: generator.lateThresholdSeconds), false),
            ("max send lag", "generator.maxSendLagSeconds", ScenarioUnits.describe(seconds: generator.maxSendLagSeconds), false),
        ]))
        if let before = report.serverStatsBefore, let after = report.serverStatsAfter {
            cards.append(("Server (admin stats)", [
                ("messages in", "server.messagesIn", "+\(after.messagesIn - before.messagesIn)", false),
                ("messages out", "server.messagesOut", "+\(after.messagesOut - before.messagesOut)", false),
                ("slow consumers dropped", "server.slowConsumersDropped",
                 "+\(after.slowConsumersDropped - before.slowConsumersDropped)",
                 after.slowConsumersDropped > before.slowConsumersDropped),
            ]))
        }

        var html = "<section>\n<h2>Counters</h2>\n<div id=\"counters\" class=\"cards\">\n"
        for card in cards {
            html += "<div class=\"card\">\n<h3>\(MarkupEscaping.escape(card.title))</h3>\n<table>\n"
            for row in card.rows {
                html += "<tr data-counter=\"\(MarkupEscaping.escape(row.key))\"\(row.bad ? " class=\"bad\"" : "")>"
                    + "<td>\(MarkupEscaping.escape(row.label))</td><td class=\"num\">\(MarkupEscaping.escape(row.value))</td></tr>\n"
            }
            html += "</table>\n</div>\n"
        }
        return html + "</div>\n</section>\n"
    }
}
