import Foundation

extension LoadReport.GeneratorSummary {
    /// `lateSends / sends` (0 without sends): the `generator.lateRatio` of thresholds.
    public var lateRatio: Double { self.sends > 0 ? Double(self.lateSends) / Double(self.sends) : 0 }

    /// Above this share of late sends the generator is said to have fallen behind.
    public static let lateRatioWarningLimit = 0.01
    /// From this ``cpuUtilization`` on, the generator's CPU is said to be saturated.
    public static let cpuSaturationLimit = 0.9
}

extension LoadReport {
    /// Every generator warning starts with this: how a merge tells them from other warnings.
    static let generatorWarningPrefix = "generator "

    /// A sentence naming the generator when it, not the server, may explain the latency from planned times:
    /// more than 1% of sends late, a send's lag over the late threshold, or its CPU saturated (at least 90% of
    /// its cores) in the load window. It gives the latency of the same copies from their actual send time, which
    /// the generator's delay does not inflate. `nil` when the generator kept up.
    ///
    /// `generator fell behind: 203 of 1000 sends late (over 10.0ms behind plan), up to 2.00s; from actual send
    /// time broadcast p99 3.1ms`
    public func generatorWarning() -> String? {
        let generator = self.generator
        var reasons: [String] = []
        if generator.lateRatio > GeneratorSummary.lateRatioWarningLimit
            || generator.maxSendLagSeconds > generator.lateThresholdSeconds
        {
            reasons.append(
                "\(generator.lateSends) of \(generator.sends) sends late (over "
                    + "\(Self.time(generator.lateThresholdSeconds)) behind plan), up to "
                    + Self.time(generator.maxSendLagSeconds))
        }
        if let utilization = generator.cpuUtilization, utilization >= GeneratorSummary.cpuSaturationLimit {
            let cores = generator.cpuCores.map { " of \($0) cores" } ?? ""
            reasons.append(String(format: "CPU %.0f%%", utilization * 100) + cores + " busy in the load window")
        }
        guard !reasons.isEmpty else { return nil }
        let headline = reasons.count == 1 && reasons[0].hasPrefix("CPU") ? "generator CPU saturated: "
            : "generator fell behind: "
        let fromSend: [(String, LoadLatency)] = [
            ("broadcast", .broadcastFromSend), ("whisper", .whisperFromSend), ("echo", .echoFromSend),
        ]
        let fromSendP99s = fromSend
            .compactMap { label, latency -> String? in
                guard let summary = self.latency[latency.rawValue], summary.count > 0 else { return nil }
                return "\(label) p99 \(Self.time(summary.p99))"
            }
        let actual = fromSendP99s.isEmpty ? "" : "; from actual send time " + fromSendP99s.joined(separator: ", ")
        return headline + reasons.joined(separator: "; ") + actual
    }

    /// ``warnings`` with the generator's warning, if any, in place of any earlier one.
    mutating func refreshGeneratorWarning() {
        var warnings = (self.warnings ?? []).filter { !$0.hasPrefix(Self.generatorWarningPrefix) }
        if let warning = self.generatorWarning() { warnings.append(warning) }
        self.warnings = warnings.isEmpty ? nil : warnings
    }
}
