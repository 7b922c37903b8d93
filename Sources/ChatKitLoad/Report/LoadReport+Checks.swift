extension LoadReport {
    /// Evaluates the built-in run checks (``RunCheck``) against this report's counters and failure causes,
    /// allowing what ``tolerate`` allows.
    func evaluateChecks() -> [RunCheckResult] {
        RunCheck.allCases.filter { $0.applies(to: self.counters) }.map { check in
            let value = self.counters[check.counter] ?? 0
            let base = check.base(in: self.counters)
            let limit = self.tolerate?.limit(for: check)
            let passed = value == 0 || limit?.allows(value, of: base) == true
            var message = value == 0 ? check.title : self.failureLine(check, value: value, base: base)
            if value > 0, passed, let limit { message = "tolerated (limit \(limit)): " + message }
            return RunCheckResult(
                check: check.rawValue, passed: passed, value: value, base: base, tolerated: limit?.description,
                message: message)
        }
    }

    /// How the recovery causes of gaps begin (the others are of churned users that did not come back).
    static let gapCausePrefix = "gap: "

    /// What went wrong, with its causes.
    private func failureLine(_ check: RunCheck, value: Int, base: Int) -> String {
        let failures = self.failures ?? FailureCauses()
        let causes = { (tallies: [String: FailureCauses.Tally]) in
            tallies.isEmpty ? "" : ": " + FailureCauses.describe(tallies)
        }
        switch check {
        case .neverConnected:
            return "\(value) of \(base) users never connected and joined their rooms" + causes(failures.connect)
        case .disconnects:
            let total = self.counters[.connectDisconnects] ?? value
            let times = total > value ? " (\(total) disconnects)" : ""
            return "\(value) of \(base) users disconnected\(times)" + causes(failures.disconnect)
        case .failedSends:
            return "\(value) of \(base) sends failed" + causes(failures.send)
        case .unsentSends:
            return "\(value) of \(base) planned sends never went out (the run ended before their time)"
        case .stoppedScripts:
            return "\(value) of \(base) scripts were cut short by their phase's duration"
        case .outstanding:
            return "the drain gave up with \(value) copies still missing for members still connected "
                + "(they count as lost; a longer \"drain\" waits for slower deliveries)"
        case .failedReconnects:
            return "\(value) of \(base) churned users did not come back"
                + causes((failures.recovery ?? [:]).filter { !$0.key.hasPrefix(Self.gapCausePrefix) })
        case .recoveryGaps:
            return "\(value) of \(base) rejoins could not recover what was missed"
                + causes((failures.recovery ?? [:]).filter { $0.key.hasPrefix(Self.gapCausePrefix) })
        }
    }
}
