import Foundation

extension LoadReport {
    /// Merges the reports of the shards of one run (`chatctl run --shard I/N`, one report per process)
    /// into the report of the whole run.
    ///
    /// - Counters and error counts are summed. Shards of a chat run also count the copies their members should
    ///   have had up to each room's last seq over all shards (``RoomTail``) in `delivery.expected` and
    ///   `delivery.lost`.
    /// - Latency histograms are merged exactly from their buckets and the percentiles computed again from
    ///   the merged histogram: the p99 of the merge is the p99 of every sample, never an average of p99s. That
    ///   goes for both timings of sends' copies (from the planned time, and `…FromSend` from the actual one).
    /// - Time-series points are added up by second since each shard's start (so shards are assumed to have
    ///   started together, as `--shard` runs do). A second's `broadcastP99` (and `broadcastP99FromSend`) is the
    ///   highest of the shards' (per-second histograms are not kept): an upper bound of the true value.
    /// - The generator's sends are summed, its CPU seconds too (the cost of the whole fleet); the late
    ///   threshold, the largest send lag, the CPU utilization and the peak memory are the largest of the shards'.
    /// - Warnings are every input's, once each, except the generator's, which is made again from the merged
    ///   generator summary and latency (``generatorWarning()``).
    /// - Server stats are those of the first report that has them. The duration is the longest shard's and
    ///   `startedAt` the earliest.
    /// - Thresholds are parsed again from the inputs' results (the first report's expression wins when
    ///   shards disagree), `overrides` replace those on the same metric, and the merged report is evaluated.
    ///
    /// A complete set of shards gives `scenario.shard == nil` and `localUsers == users`; a partial set keeps
    /// the shards it covers (`"1/3+2/3"`); whole runs of the same scenario merge into `"merged N"`.
    ///
    /// - Parameter labels: how to name each report in errors (file names); `report N` when missing.
    /// - Throws: ``ReportMergeError`` when the reports are not of the same scenario, seed, protocol and plan,
    ///   mix shards and whole runs, split the users differently, hold a shard twice, or record a threshold
    ///   that does not parse.
    public static func merge(
        _ reports: [LoadReport], labels: [String] = [], overrides: [Threshold] = []
    ) throws(ReportMergeError) -> LoadReport {
        guard let first = reports.first else { throw ReportMergeError(message: "no reports to merge") }
        let label = { (index: Int) in index < labels.count ? labels[index] : "report \(index + 1)" }
        try Self.checkSameScenario(reports, label: label)
        let shard = try Self.mergedShard(reports, label: label)

        var merged = first
        merged.scenario.localUsers = reports.reduce(0) { $0 + $1.scenario.localUsers }
        merged.scenario.shard = shard
        let targets = reports.map(\.scenario.target).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        merged.scenario.target = targets.joined(separator: ", ")
        merged.scenario.embeddedServer = reports.allSatisfy(\.scenario.embeddedServer)
        merged.startedAt = reports.map(\.startedAt).min() ?? first.startedAt
        merged.durationSeconds = reports.map(\.durationSeconds).max() ?? first.durationSeconds
        merged.counters = Self.sum(reports.map(\.counters))
        let (tails, missed) = Self.mergeRoomTails(reports)
        merged.roomTails = tails
        if missed > 0 {
            merged.counters[LoadCounter.deliveryExpected.rawValue, default: 0] += missed
            merged.counters[LoadCounter.deliveryLost.rawValue, default: 0] += missed
        }
        merged.errors = Self.sum(reports.map(\.errors))
        if reports.contains(where: { $0.failures != nil }) {
            merged.failures = reports.reduce(into: FailureCauses()) { $0.merge($1.failures ?? FailureCauses()) }
        }
        merged.tolerate = reports.lazy.compactMap(\.tolerate).first
        merged.latency = Self.mergeLatency(reports)
        merged.timeSeries = Self.mergeTimeSeries(reports)
        merged.serverStatsBefore = reports.lazy.compactMap(\.serverStatsBefore).first
        merged.serverStatsAfter = reports.lazy.compactMap(\.serverStatsAfter).first
        merged.generator = Self.mergeGenerators(reports.map(\.generator))
        let warnings = reports.flatMap { $0.warnings ?? [] }
            .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        merged.warnings = warnings.isEmpty ? nil : warnings
        merged.refreshGeneratorWarning()
        merged.interruption = reports.lazy.compactMap(\.interruption).first
        merged.interrupted = merged.interruption == nil ? nil : true

        var notes = reports.flatMap(\.notes).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let parts = reports.map { $0.scenario.shard ?? "whole run" }.joined(separator: ", ")
        notes.append(
            "Merged from \(reports.count) reports (\(parts)): "
                + "counters are summed and latency histograms merged exactly; a time-series second's broadcastP99 "
                + "is the highest of the shards' (an upper bound).")
        if missed > 0 {
            notes.append(
                "\(missed) copies were counted lost at the merge: sent after the last seq some shards' members saw "
                    + "of their room, they reached none of them.")
        }
        let (rules, disagreements) = try Self.mergeThresholds(reports, label: label)
        notes += disagreements
        merged.notes = notes
        merged.evaluate(Threshold.merging(rules, overrides: overrides))
        return merged
    }

    /// The shards' room tails up to each room's last seq over all of them, and the copies the shards' members
    /// should have had up to it but did not count (a shard only counts up to the last seq its own members saw).
    /// Nothing when a report is not a shard or has no tails (a raw run, or a report from before tails).
    private static func mergeRoomTails(_ reports: [LoadReport]) -> (tails: [String: RoomTail]?, missed: Int) {
        guard reports.allSatisfy({ $0.scenario.shard != nil }) else { return (nil, 0) }
        let shardTails = reports.compactMap(\.roomTails)
        guard shardTails.count == reports.count else { return (nil, 0) }
        var lastSeq: [String: Int] = [:]
        for tails in shardTails {
            for (room, tail) in tails { lastSeq[room] = max(lastSeq[room] ?? 0, tail.lastSeq) }
        }
        var merged: [String: RoomTail] = [:]
        var missed = 0
        for tails in shardTails {
            for (room, tail) in tails {
                let whole = lastSeq[room] ?? tail.lastSeq
                missed += tail.copiesMissed(upTo: whole)
                let raised = tail.raised(to: whole)
                if var sum = merged[room] {
                    sum.membersToLast += raised.membersToLast
                    sum.joinedAfterLast += raised.joinedAfterLast
                    merged[room] = sum
                } else {
                    merged[room] = raised
                }
            }
        }
        return (merged, missed)
    }

    // MARK: Checks

    private static func checkSameScenario(_ reports: [LoadReport], label: (Int) -> String) throws(ReportMergeError) {
        guard let first = reports.first?.scenario else { return }
        for (index, report) in reports.enumerated().dropFirst() {
            let scenario = report.scenario
            let differences: [(String, String, String)] = [
                ("scenario", "\"\(scenario.name)\"", "\"\(first.name)\""),
                ("seed", "\(scenario.seed)", "\(first.seed)"),
                ("plan fingerprint", scenario.planFingerprint, first.planFingerprint),
                ("protocol", scenario.wireProtocol.rawValue, first.wireProtocol.rawValue),
                ("users", "\(scenario.users)", "\(first.users)"),
            ].filter { $0.1 != $0.2 }
            if let (field, theirs, ours) = differences.first {
                throw ReportMergeError(
                    message: "\(label(index)) has \(field) \(theirs) but \(label(0)) has \(field) \(ours): "
                        + "only reports of the same scenario, seed and plan can be merged")
            }
        }
    }

    /// The merged `scenario.shard`, after checking that the shards fit together.
    private static func mergedShard(
        _ reports: [LoadReport], label: (Int) -> String
    ) throws(ReportMergeError) -> String? {
        let shards = reports.map { ShardLabel($0.scenario.shard) }
        if shards.allSatisfy({ $0 == nil }) {
            return reports.count == 1 ? reports[0].scenario.shard : "merged \(reports.count)"
        }
        if let wholeRun = shards.firstIndex(where: { $0 == nil }) {
            let sharded = shards.firstIndex { $0 != nil } ?? 0
            throw ReportMergeError(
                message: "\(label(sharded)) is shard \(reports[sharded].scenario.shard ?? "") but \(label(wholeRun)) "
                    + "ran every user: shards and whole runs cannot be merged")
        }
        let split = shards.compactMap { $0 }
        var covered = ShardLabel(indexes: [], count: split.first?.count ?? 1)
        var holder: [Int: Int] = [:]
        for (index, shard) in split.enumerated() {
            guard shard.count == covered.count else {
                throw ReportMergeError(
                    message: "\(label(index)) is shard \(shard.text) but \(label(0)) is shard \(split[0].text): "
                        + "the users were split differently")
            }
            for number in shard.indexes {
                if let other = holder[number] {
                    throw ReportMergeError(
                        message: "\(label(index)) and \(label(other)) both hold shard \(number)/\(shard.count): "
                            + "merging them would count its users twice")
                }
                holder[number] = index
            }
            covered.indexes.formUnion(shard.indexes)
        }
        return covered.isComplete ? nil : covered.text
    }

    // MARK: Parts

    private static func sum(_ tables: [[String: Int]]) -> [String: Int] {
        tables.reduce(into: [:]) { total, table in total.merge(table, uniquingKeysWith: +) }
    }

    private static func mergeLatency(_ reports: [LoadReport]) -> [String: LatencySummary] {
        var histograms: [String: LatencyHistogram] = [:]
        for report in reports {
            for (family, summary) in report.latency {
                histograms[family, default: LatencyHistogram()].merge(summary.histogram)
            }
        }
        return histograms.mapValues { LatencySummary($0) }
    }

    private static func mergeTimeSeries(_ reports: [LoadReport]) -> [TimeSeriesPoint] {
        var bySecond: [Int: TimeSeriesPoint] = [:]
        for report in reports {
            // Within one report the last part-second can round to the second before it: fold such points
            // first, so that its users are not counted twice.
            var own: [Int: TimeSeriesPoint] = [:]
            for point in report.timeSeries {
                if let earlier = own[point.second] {
                    own[point.second] = Self.add(earlier, point, usersConnected: point.usersConnected)
                } else {
                    own[point.second] = point
                }
            }
            for (second, point) in own {
                if let other = bySecond[second] {
                    let users = other.usersConnected + point.usersConnected
                    bySecond[second] = Self.add(other, point, usersConnected: users)
                } else {
                    bySecond[second] = point
                }
            }
        }
        return bySecond.keys.sorted().compactMap { bySecond[$0] }
    }

    private static func add(_ a: TimeSeriesPoint, _ b: TimeSeriesPoint, usersConnected: Int) -> TimeSeriesPoint {
        TimeSeriesPoint(
            second: a.second, usersConnected: usersConnected, messagesOut: a.messagesOut + b.messagesOut,
            messagesIn: a.messagesIn + b.messagesIn, bytesOut: a.bytesOut + b.bytesOut, bytesIn: a.bytesIn + b.bytesIn,
            errors: a.errors + b.errors, broadcastP99: max(a.broadcastP99, b.broadcastP99),
            broadcastP99FromSend: [a.broadcastP99FromSend, b.broadcastP99FromSend].compactMap { $0 }.max())
    }

    private static func mergeGenerators(_ generators: [GeneratorSummary]) -> GeneratorSummary {
        GeneratorSummary(
            sends: generators.reduce(0) { $0 + $1.sends },
            lateSends: generators.reduce(0) { $0 + $1.lateSends },
            lateThresholdSeconds: generators.map(\.lateThresholdSeconds).max() ?? 0,
            maxSendLagSeconds: generators.map(\.maxSendLagSeconds).max() ?? 0,
            failedSends: generators.reduce(0) { $0 + $1.failedSends },
            cpuSeconds: generators.reduce(0) { $0 + $1.cpuSeconds },
            peakResidentBytes: generators.map(\.peakResidentBytes).max() ?? 0,
            residentBytesAtStart: generators.compactMap(\.residentBytesAtStart).max(),
            cpuUtilization: generators.compactMap(\.cpuUtilization).max(),
            cpuCores: generators.compactMap(\.cpuCores).max())
    }

    /// Every rule any input was evaluated against, each metric once, in order of first appearance; and a
    /// note for each metric whose rule differs between inputs.
    private static func mergeThresholds(
        _ reports: [LoadReport], label: (Int) -> String
    ) throws(ReportMergeError) -> (rules: [Threshold], notes: [String]) {
        var rules: [Threshold] = []
        var notes: [String] = []
        for (index, report) in reports.enumerated() {
            let recorded: [Threshold]
            do { recorded = try report.recordedThresholds() } catch {
                throw ReportMergeError(message: "\(label(index)): \(error.message)")
            }
            for rule in recorded {
                guard let kept = rules.first(where: { $0.metric == rule.metric }) else {
                    rules.append(rule)
                    continue
                }
                if kept.expression != rule.expression {
                    notes.append(
                        "Threshold \(rule.metric): \(label(index)) has \"\(rule.expression)\", "
                            + "kept \"\(kept.expression)\".")
                }
            }
        }
        return (rules, notes)
    }
}
