import Foundation

extension Threshold {
    /// Parses a rule written as one string, `METRIC OP VALUE`, as `--threshold` takes it
    /// (`latency.broadcast.p99 < 20ms`, `delivery.lost==0`).
    public static func parse(rule text: String) -> Result<Threshold, ThresholdError> {
        guard let start = text.firstIndex(where: { "<>=!".contains($0) }) else {
            return .failure(ThresholdError(message: "expected \"METRIC OP VALUE\" such as \"delivery.lost == 0\""))
        }
        let metric = text[..<start].trimmingCharacters(in: .whitespaces)
        return Self.parse(metric: metric, expression: String(text[start...]))
    }

    /// `thresholds` with every rule on a metric that `overrides` names replaced, followed by `overrides`:
    /// how `--threshold` combines with the scenario's rules (and with a saved report's).
    public static func merging(_ thresholds: [Threshold], overrides: [Threshold]) -> [Threshold] {
        let overridden = Set(overrides.map(\.metric))
        return thresholds.filter { !overridden.contains($0.metric) } + overrides
    }
}

extension LoadReport {
    /// The rules this report was evaluated against, parsed again from ``thresholds`` (each result keeps
    /// its metric and the expression as written).
    public func recordedThresholds() throws(ThresholdError) -> [Threshold] {
        var rules: [Threshold] = []
        for (position, result) in self.thresholds.enumerated() {
            switch Threshold.parse(metric: result.metric, expression: result.expression) {
            case .success(let rule): rules.append(rule)
            case .failure(let error):
                throw ThresholdError(
                    message: "thresholds[\(position)] (\(result.metric) \(result.expression)): \(error.message)")
            }
        }
        return rules
    }

    /// Evaluates the recorded rules again, `overrides` replacing those on the same metric, and sets
    /// ``thresholds`` and ``passed``. A report read back from disk gives the same verdict as when it was written.
    public mutating func reevaluate(overrides: [Threshold] = []) throws(ThresholdError) {
        self.evaluate(Threshold.merging(try self.recordedThresholds(), overrides: overrides))
    }
}

extension LoadReport.ThresholdResult {
    /// The measured value as the summary shows it: a time (`27.5ms`), a percentage (`0.400%`) for
    /// percentage rules, or a plain number.
    public var valueText: String {
        let isPercentage = self.expression.hasSuffix("%")
        if isPercentage { return String(format: "%.3f%%", self.value * 100) }
        if LoadMetricCatalog.isTime(self.metric) { return ScenarioUnits.describe(seconds: self.value) }
        return self.value == self.value.rounded() && abs(self.value) < 1e15
            ? String(Int64(self.value)) : String(format: "%.3f", self.value)
    }

    /// `metric expression`, e.g. `latency.broadcast.p99 < 50ms`: the rule as a person reads it.
    public var rule: String { "\(self.metric) \(self.expression)" }
}
