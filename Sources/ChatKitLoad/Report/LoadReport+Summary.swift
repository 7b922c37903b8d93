import ChatKit
import Foundation

extension LoadReport {
    /// The end-of-run summary table chatctl prints. With `colour`, the PASS and FAIL words and the result
    /// line get ANSI colours (for a terminal); the text is otherwise the same.
    public func summaryText(colour: Bool = false) -> String {
        let verdict = { (passed: Bool) in
            guard colour else { return passed ? "PASS" : "FAIL" }
            return passed ? "\u{1B}[32mPASS\u{1B}[0m" : "\u{1B}[31mFAIL\u{1B}[0m"
        }
        var lines: [String] = []
        let target = self.scenario.embeddedServer ? "embedded server \(self.scenario.target)" : self.scenario.target
        var shard = ""
        if let shardText = self.scenario.shard { shard = ", shard \(shardText) with \(self.scenario.localUsers) users" }
        lines.append("scenario   \(self.scenario.name) (seed \(self.scenario.seed), \(self.scenario.users) users\(shard), "
            + "\(self.scenario.wireProtocol.rawValue) protocol) against \(target)")
        lines.append(String(format: "duration   %.1f s   plan %@", self.durationSeconds, self.scenario.planFingerprint))
        if let interruption = self.interruption { lines.append(interruption.sentence) }
        lines.append("")
        lines.append(Self.row(["latency", "count", "p50", "p90", "p99", "p99.9", "max"]))
        // Copies of sends are timed from the planned send time, then ("  from send") from the actual one.
        let rows: [(String, LoadLatency)] = [
            ("broadcast", .broadcast), ("  from send", .broadcastFromSend), ("whisper", .whisper),
            ("  from send", .whisperFromSend), ("echo", .echo), ("  from send", .echoFromSend), ("connect", .connect),
            ("fan-out spread", .fanoutSpread), ("churn reconnect", .recoveryReconnect), ("recovered", .recovered),
        ]
        for (label, latency) in rows {
            guard let summary = self.latency[latency.rawValue], summary.count > 0 else { continue }
            lines.append(Self.row([
                label, "\(summary.count)", Self.time(summary.p50), Self.time(summary.p90), Self.time(summary.p99),
                Self.time(summary.p999), Self.time(summary.max),
            ]))
        }
        lines.append("")
        let c = { (counter: LoadCounter) in self.counters[counter] ?? 0 }
        lines.append("delivery     expected \(c(.deliveryExpected))  received \(c(.deliveryReceived))  "
            + "lost \(c(.deliveryLost))  duplicated \(c(.deliveryDuplicated))  out of order \(c(.deliveryOutOfOrder))")
        if self.scenario.wireProtocol != .raw {
            lines.append("whispers     sent \(c(.whisperSent))  delivered \(c(.whisperDelivered))  "
                + "lost \(c(.whisperLost))  leaks \(c(.whisperLeaks))")
            lines.append("presence     expected \(c(.presenceExpected))  observed \(c(.presenceObserved))  "
                + "missing \(c(.presenceMissing))")
        }
        lines.append("connections  attempts \(c(.connectAttempts))  errors \(c(.connectErrors))  "
            + "disconnects \(c(.connectDisconnects))  reconnects \(c(.connectReconnects))")
        lines.append("sends        total \(c(.sendsTotal))  late \(c(.sendsLate)) (over "
            + "\(Self.time(self.generator.lateThresholdSeconds)) behind plan)  failed \(c(.sendsFailed))  "
            + "max lag \(Self.time(self.generator.maxSendLagSeconds))")
        let seconds = max(self.durationSeconds, 0.001)
        lines.append(String(
            format: "traffic      out %d msgs (%.0f/s)  in %d msgs (%.0f/s)", c(.messagesOut),
            Double(c(.messagesOut)) / seconds, c(.messagesIn), Double(c(.messagesIn)) / seconds))
        if c(.recoveryChurned) > 0 || c(.recoverySkipped) > 0 {
            lines.append("recovery     churned \(c(.recoveryChurned))  back \(c(.recoveryReconnects))  "
                + "failed \(c(.recoveryReconnectsFailed))  rejoins \(c(.recoveryRejoins))  "
                + "recovered \(c(.recoveryRecovered))  gaps \(c(.recoveryGaps))  skipped \(c(.recoverySkipped))")
        }
        if c(.scriptsStarted) > 0 || c(.expectTotal) > 0 || c(.httpTotal) > 0 {
            lines.append("script       runs \(c(.scriptsStarted)) (finished \(c(.scriptsFinished)), stopped "
                + "\(c(.scriptsStopped)))  expects \(c(.expectTotal)) (failed \(c(.expectFailed)))  "
                + "http calls \(c(.httpTotal)) (failed \(c(.httpFailed)))")
        }
        let errors = self.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append("errors       " + (errors.isEmpty ? "none" : errors.joined(separator: "  ")))
        let utilization = self.generator.cpuUtilization.map {
            String(format: " (%.0f%% of %d cores in the load window)", $0 * 100, self.generator.cpuCores ?? 1)
        } ?? ""
        lines.append(
            String(format: "generator    cpu %.2f s", self.generator.cpuSeconds) + utilization
                + String(format: "  peak memory %.0f MB", Double(self.generator.peakResidentBytes) / 1_048_576))
        if let before = self.serverStatsBefore, let after = self.serverStatsAfter {
            lines.append("server       messages in +\(after.messagesIn - before.messagesIn)  out +\(after.messagesOut - before.messagesOut)"
                + "  slow consumers dropped +\(after.slowConsumersDropped - before.slowConsumersDropped)")
        }
        if let failures = self.failures, !failures.isEmpty {
            var label = "failures"
            for (kind, tallies) in [("connect", failures.connect), ("disconnect", failures.disconnect),
                                    ("send", failures.send)] {
                for (cause, tally) in FailureCauses.sorted(tallies) {
                    lines.append(label.padding(toLength: 13, withPad: " ", startingAt: 0)
                        + "\(kind) \(tally.count)× \(cause) (first at \(FailureCauses.seconds(tally.firstSeconds)))")
                    label = ""
                }
            }
        }
        // Names, targets and error codes come from a scenario or report file, or from the server: shown escaped,
        // so none can act on the terminal or start a line of its own. (The colours below are added after.)
        lines = lines.map(TerminalText.escape)
        if let checks = self.checks, !checks.isEmpty {
            lines.append("")
            lines.append("run checks")
            for check in checks {
                lines.append("  \(verdict(check.passed))  \(TerminalText.escape(check.message))")
            }
        }
        if let warnings = self.warnings, !warnings.isEmpty {
            lines.append("")
            lines += warnings.map { "WARNING " + TerminalText.escape($0) }
        }
        if !self.thresholds.isEmpty {
            lines.append("")
            lines.append("thresholds")
            for result in self.thresholds {
                let rule = TerminalText.escape(result.rule), value = TerminalText.escape(result.valueText)
                lines.append("  \(verdict(result.passed))  \(rule)  (was \(value))")
            }
        }
        lines.append("")
        let result = "result: \(self.passed ? "PASS" : "FAIL")"
        lines.append(colour ? "\u{1B}[1m" + (self.passed ? "\u{1B}[32m" : "\u{1B}[31m") + result + "\u{1B}[0m" : result)
        return lines.joined(separator: "\n")
    }

    private static func row(_ cells: [String]) -> String {
        let first = cells[0].padding(toLength: 15, withPad: " ", startingAt: 0)
        return first + cells.dropFirst().map { $0.leftPadded(to: 10) }.joined()
    }

    static func time(_ seconds: Double) -> String { ScenarioUnits.describe(seconds: seconds) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        self.count >= width ? " " + self : String(repeating: " ", count: width - self.count) + self
    }
}
