import ChatKit
import Foundation

/// The result of a run, as `chatctl run --out` writes it (schema: docs/scenarios.md#report). It keeps the
/// histograms, not just percentiles, so reports can be merged exactly later.
public struct LoadReport: Codable, Sendable, Equatable {
    public var schemaVersion = 1
    public var scenario: ScenarioSummary
    public var startedAt: Date
    public var durationSeconds: Double
    /// Every counter of ``LoadMetricCatalog/counters``, plus `errors.total`.
    public var counters: [String: Int]
    /// Latency families (`broadcast`, `whisper`, `echo`, `connect`, `fanoutSpread`), and the copies of sends
    /// timed from the actual send time (`broadcastFromSend`, `whisperFromSend`, `echoFromSend`; absent in older
    /// reports).
    public var latency: [String: LatencySummary]
    /// `error` frames and failures, by code.
    public var errors: [String: Int]
    /// One point per second of the run.
    public var timeSeries: [TimeSeriesPoint]
    public var thresholds: [ThresholdResult]
    /// The built-in run checks (``RunCheck``); absent in reports from before them.
    public var checks: [RunCheckResult]? = nil
    /// Failed connections, lost connections and failed sends, by cause; absent in reports from before them.
    public var failures: FailureCauses? = nil
    /// The scenario's `tolerate` block, when it had one: what the checks allowed.
    public var tolerate: RunTolerance? = nil
    /// Every threshold and every run check passed.
    public var passed: Bool
    /// The server's `/admin/stats` before and after the run, when an admin URL and token were given.
    public var serverStatsBefore: ServerStats.Snapshot?
    public var serverStatsAfter: ServerStats.Snapshot?
    public var generator: GeneratorSummary
    public var notes: [String]
    /// What a reader must not miss, one sentence each: e.g. that the generator fell behind (see
    /// ``generatorWarning()``). Absent (nil) in older reports and when there is nothing to say.
    public var warnings: [String]? = nil
    /// Shards only (`--shard`): each room's last seq as this shard's members saw it, and who was expected up
    /// to it, so that a merge counts delivery up to the whole run's last seq.
    public var roomTails: [String: RoomTail]? = nil
    /// `true` when the run was stopped early (SIGINT or SIGTERM to chatctl); absent otherwise. An interrupted
    /// run never passes.
    public var interrupted: Bool? = nil
    /// What stopped the run early, when, and which phases it did not reach; absent when it ran to the end.
    public var interruption: Interruption? = nil

    /// What was run.
    public struct ScenarioSummary: Codable, Sendable, Equatable {
        public var name: String
        public var seed: UInt64
        public var wireProtocol: LoadProtocol
        public var users: Int
        /// Users this process ran (all of them unless sharded).
        public var localUsers: Int
        /// `I/N` when sharded.
        public var shard: String?
        public var target: String
        public var embeddedServer: Bool
        public var planFingerprint: String
    }

    /// Percentiles in seconds, and the histogram behind them.
    public struct LatencySummary: Codable, Sendable, Equatable {
        public var count: UInt64
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
        public var mean: Double
        /// Non-empty HDR buckets as `[microseconds, count]`.
        public var buckets: [[UInt64]]

        /// Every statistic is computed from the histogram's buckets alone (HDR itself would clamp the top
        /// percentiles to the exact largest sample, which the buckets do not keep), so a summary rebuilt from
        /// a saved report's buckets, or from merged buckets, is the summary of the same samples recorded at once.
        public init(_ histogram: LatencyHistogram) {
            let histogram = LatencyHistogram(buckets: histogram.buckets)
            self.count = histogram.count
            self.p50 = histogram.seconds(atPercentile: 50)
            self.p90 = histogram.seconds(atPercentile: 90)
            self.p99 = histogram.seconds(atPercentile: 99)
            self.p999 = histogram.seconds(atPercentile: 99.9)
            self.max = histogram.maxSeconds
            self.mean = histogram.meanSeconds
            self.buckets = histogram.buckets
        }

        public var histogram: LatencyHistogram { LatencyHistogram(buckets: self.buckets) }

        func value(of statistic: String) -> Double? {
            switch statistic {
            case "p50": return self.p50
            case "p90": return self.p90
            case "p99": return self.p99
            case "p99.9": return self.p999
            case "max": return self.max
            case "mean": return self.mean
            default: return nil
            }
        }
    }

    /// One second of the run.
    public struct TimeSeriesPoint: Codable, Sendable, Equatable {
        /// Seconds since the start, at the end of this interval.
        public var second: Int
        public var usersConnected: Int
        public var messagesOut: Int
        public var messagesIn: Int
        public var bytesOut: Int
        public var bytesIn: Int
        public var errors: Int
        /// p99 of broadcast latency within this second, in seconds (0 when none arrived).
        public var broadcastP99: Double
        /// The same copies' p99 timed from the actual send time (0 when none arrived); absent in older reports.
        public var broadcastP99FromSend: Double? = nil
    }

    /// A threshold and how the run fared against it.
    public struct ThresholdResult: Codable, Sendable, Equatable {
        public var metric: String
        public var expression: String
        /// The metric's value (a fraction for percentage rules; seconds for times).
        public var value: Double
        public var passed: Bool
    }

    /// How the load generator itself did: an overloaded generator must not pass for a slow server.
    public struct GeneratorSummary: Codable, Sendable, Equatable {
        public var sends: Int
        /// Sends that left more than the late threshold after their planned time.
        public var lateSends: Int
        public var lateThresholdSeconds: Double
        public var maxSendLagSeconds: Double
        /// Sends that could not go out (user not connected, queue full).
        public var failedSends: Int
        public var cpuSeconds: Double
        public var peakResidentBytes: Int
        /// Resident memory once the run was set up (plan built, event loops and HTTP client started) and before
        /// any simulated user existed; absent in older reports. The generator's memory per user is
        /// `(peakResidentBytes - residentBytesAtStart) / users`.
        public var residentBytesAtStart: Int?
        /// CPU seconds the process used in the load window (from the end of the connect or ramp-up to the end of
        /// the drain) over that window's wall seconds × ``cpuCores``: 1 means every core was busy the whole
        /// time. Absent in older reports and when the run had no phase after connecting.
        public var cpuUtilization: Double? = nil
        /// The cores ``cpuUtilization`` is taken of (those of the machine chatctl ran on).
        public var cpuCores: Int? = nil
    }

    /// The value of a metric named as in thresholds (`latency.broadcast.p99`, `delivery.lost`, `errors.CODE`).
    public func metric(_ name: String) -> Double? {
        if let counter = self.counters[name] { return Double(counter) }
        switch name {
        case "generator.lateRatio": return self.generator.lateRatio
        case "generator.cpuUtilization": return self.generator.cpuUtilization ?? 0
        case "generator.maxLag": return self.generator.maxSendLagSeconds
        default: break
        }
        if name.hasPrefix("errors.") { return Double(self.errors[String(name.dropFirst("errors.".count))] ?? 0) }
        guard LoadMetricCatalog.isTime(name) else { return nil }
        let statistic = name.hasSuffix(".p99.9") ? "p99.9" : String(name.split(separator: ".").last ?? "")
        let family = String(name.dropLast(statistic.count + 1))
        let key = Self.latencyKey(forFamily: family)
        return self.latency[key]?.value(of: statistic) ?? 0
    }

    /// `latency.broadcast` → `broadcast`, `fanout.spread` → `fanoutSpread`,
    /// `latency.broadcast.fromSend` → `broadcastFromSend`.
    static func latencyKey(forFamily family: String) -> String {
        LoadLatency(metricFamily: family)?.rawValue ?? family
    }

    /// Evaluates `thresholds` and the built-in run checks against this report's metrics, setting ``thresholds``,
    /// ``checks`` and ``passed``.
    public mutating func evaluate(_ thresholds: [Threshold]) {
        self.thresholds = thresholds.map { threshold in
            var value = self.metric(threshold.metric) ?? 0
            if threshold.isPercentage, let baseName = LoadMetricCatalog.percentBase(of: threshold.metric) {
                let base = self.metric(baseName) ?? 0
                value = base > 0 ? value / base : 0
            }
            return ThresholdResult(
                metric: threshold.metric, expression: threshold.expression, value: value,
                passed: threshold.comparison.holds(value, threshold.bound))
        }
        let checks = self.evaluateChecks()
        self.checks = checks
        self.passed = self.thresholds.allSatisfy(\.passed) && checks.allSatisfy(\.passed) && self.interruption == nil
    }

    /// Encodes the report as pretty JSON.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Reads a report written by ``jsonData()``.
    public static func decode(_ data: Data) throws -> LoadReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(LoadReport.self, from: data)
    }
}
