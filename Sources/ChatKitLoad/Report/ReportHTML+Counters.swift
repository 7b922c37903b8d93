import Foundation

extension ReportHTML {
    /// One line of a counter card: what it is called, the metric it shows (`data-counter`), its text, and
    /// whether the value is bad news (a loss, an error) and should stand out.
    private struct CounterRow {
        var label: String
        var key: String
        var value: String
        var isBad = false
    }

    private struct CounterCard {
        var title: String
        var rows: [CounterRow]
    }

    /// The counters of the summary as cards (delivery, whispers, presence, connections, sends, traffic,
    /// script, errors, generator, server), each row a `tr[data-counter]` inside `#counters`.
    static func countersSection(_ report: LoadReport) -> String {
        var html = "<section>\n<h2>Counters</h2>\n<div id=\"counters\" class=\"cards\">\n"
        for card in Self.counterCards(report) {
            html += "<div class=\"card\">\n<h3>\(MarkupEscaping.escape(card.title))</h3>\n<table>\n"
            for row in card.rows {
                let bad = row.isBad ? " class=\"bad\"" : ""
                html += "<tr data-counter=\"\(MarkupEscaping.escape(row.key))\"\(bad)>"
                    + "<td>\(MarkupEscaping.escape(row.label))</td>"
                    + "<td class=\"num\">\(MarkupEscaping.escape(row.value))</td></tr>\n"
            }
            html += "</table>\n</div>\n"
        }
        return html + "</div>\n</section>\n"
    }

    private static func counterCards(_ report: LoadReport) -> [CounterCard] {
        /// A counter row; `bad` marks a non-zero value as bad news.
        func counter(_ label: String, _ counter: LoadCounter, bad: Bool = false) -> CounterRow {
            let value = report.counters[counter] ?? 0
            return CounterRow(label: label, key: counter.rawValue, value: "\(value)", isBad: bad && value != 0)
        }
        func rate(_ label: String, _ counter: LoadCounter) -> CounterRow {
            let value = report.counters[counter] ?? 0
            let perSecond = Double(value) / max(report.durationSeconds, 0.001)
            return CounterRow(label: label, key: counter.rawValue, value: "\(value) (\(String(format: "%.0f", perSecond))/s)")
        }

        var cards = [
            CounterCard(title: "Delivery", rows: [
                counter("expected", .deliveryExpected), counter("received", .deliveryReceived),
                counter("lost", .deliveryLost, bad: true), counter("duplicated", .deliveryDuplicated, bad: true),
                counter("out of order", .deliveryOutOfOrder, bad: true),
            ])
        ]
        if report.scenario.wireProtocol != .raw {
            cards.append(CounterCard(title: "Whispers", rows: [
                counter("sent", .whisperSent), counter("delivered", .whisperDelivered),
                counter("lost", .whisperLost, bad: true), counter("leaks", .whisperLeaks, bad: true),
            ]))
            cards.append(CounterCard(title: "Presence", rows: [
                counter("expected", .presenceExpected), counter("observed", .presenceObserved),
                counter("missing", .presenceMissing, bad: true),
            ]))
        }
        cards.append(CounterCard(title: "Connections", rows: [
            counter("attempts", .connectAttempts), counter("errors", .connectErrors, bad: true),
            counter("disconnects", .connectDisconnects, bad: true), counter("reconnects", .connectReconnects),
        ]))
        cards.append(CounterCard(title: "Sends", rows: [
            counter("total", .sendsTotal), counter("late", .sendsLate, bad: true),
            counter("failed", .sendsFailed, bad: true),
        ]))
        cards.append(CounterCard(title: "Traffic", rows: [
            rate("messages out", .messagesOut), rate("messages in", .messagesIn),
        ]))
        if [LoadCounter.recoveryChurned, .recoverySkipped].contains(where: { (report.counters[$0] ?? 0) > 0 }) {
            cards.append(CounterCard(title: "Churn and recovery", rows: [
                counter("churned", .recoveryChurned), counter("back", .recoveryReconnects),
                counter("did not come back", .recoveryReconnectsFailed, bad: true),
                counter("rejoins with since", .recoveryRejoins), counter("recovered copies", .recoveryRecovered),
                counter("gaps", .recoveryGaps, bad: true), counter("held sends", .recoveryHeldSends),
                counter("skipped", .recoverySkipped),
            ]))
        }
        if [LoadCounter.scriptsStarted, .expectTotal, .httpTotal].contains(where: { (report.counters[$0] ?? 0) > 0 }) {
            cards.append(CounterCard(title: "Script", rows: [
                counter("scripts run", .scriptsStarted), counter("finished", .scriptsFinished),
                counter("stopped at the phase's end", .scriptsStopped, bad: true),
                counter("expects", .expectTotal), counter("expects failed", .expectFailed, bad: true),
                counter("http calls", .httpTotal), counter("http failed", .httpFailed, bad: true),
            ]))
        }
        let codes = report.errors.sorted { $0.key < $1.key }.map { code, count in
            CounterRow(label: code, key: "errors.\(code)", value: "\(count)", isBad: count > 0)
        }
        cards.append(CounterCard(title: "Errors", rows: [counter("total", .errorsTotal, bad: true)] + codes))

        let generator = report.generator
        let time = { (seconds: Double) in ScenarioUnits.describe(seconds: seconds) }
        cards.append(CounterCard(title: "Generator", rows: [
            CounterRow(
                label: "cpu", key: "generator.cpuSeconds", value: String(format: "%.2f s", generator.cpuSeconds)),
            CounterRow(
                label: "peak memory", key: "generator.peakResidentBytes",
                value: String(format: "%.0f MB", Double(generator.peakResidentBytes) / 1_048_576)),
            CounterRow(
                label: "late threshold", key: "generator.lateThresholdSeconds",
                value: time(generator.lateThresholdSeconds)),
            CounterRow(
                label: "max send lag", key: "generator.maxSendLagSeconds", value: time(generator.maxSendLagSeconds),
                isBad: generator.maxSendLagSeconds > generator.lateThresholdSeconds),
        ] + (generator.cpuUtilization.map { utilization in
            [CounterRow(
                label: "cpu utilization", key: "generator.cpuUtilization",
                value: String(format: "%.0f%%", utilization * 100),
                isBad: utilization >= LoadReport.GeneratorSummary.cpuSaturationLimit)]
        } ?? [])))
        if let before = report.serverStatsBefore, let after = report.serverStatsAfter {
            let dropped = after.slowConsumersDropped - before.slowConsumersDropped
            cards.append(CounterCard(title: "Server (admin stats)", rows: [
                CounterRow(
                    label: "messages in", key: "server.messagesIn", value: "+\(after.messagesIn - before.messagesIn)"),
                CounterRow(
                    label: "messages out", key: "server.messagesOut",
                    value: "+\(after.messagesOut - before.messagesOut)"),
                CounterRow(
                    label: "slow consumers dropped", key: "server.slowConsumersDropped", value: "+\(dropped)",
                    isBad: dropped > 0),
            ]))
        }
        return cards
    }
}
