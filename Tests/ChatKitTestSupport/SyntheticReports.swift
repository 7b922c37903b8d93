import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import Foundation

/// Reports made up in tests, from samples the test chooses: no run needed, every number known.
package enum SyntheticReports {
    /// A report of scenario `name` whose broadcast latencies are `broadcastMicros` (one sample each) and
    /// whose counters, errors and time series are the given ones, evaluated against `thresholds`.
    package static func report(
        name: String = "synthetic", seed: UInt64 = 7, fingerprint: String = "00112233aabbccdd", users: Int = 12,
        localUsers: Int? = nil, shard: String? = nil, broadcastMicros: [UInt64] = [], whisperMicros: [UInt64] = [],
        counters: [String: Int] = [:], errors: [String: Int] = [:], timeSeries: [LoadReport.TimeSeriesPoint] = [],
        thresholds: [String: String] = [:], startedAt: Date = Date(timeIntervalSince1970: 1_790_000_000),
        durationSeconds: Double = 3, generator: LoadReport.GeneratorSummary? = nil
    ) throws -> LoadReport {
        var broadcast = LatencyHistogram()
        for micros in broadcastMicros { broadcast.record(nanoseconds: Int64(micros) * 1000) }
        var whisper = LatencyHistogram()
        for micros in whisperMicros { whisper.record(nanoseconds: Int64(micros) * 1000) }
        var allCounters = Dictionary(uniqueKeysWithValues: LoadMetricCatalog.counters.keys.map { ($0, 0) })
        allCounters.merge(counters) { $1 }
        var report = LoadReport(
            scenario: .init(
                name: name, seed: seed, wireProtocol: .chat, users: users, localUsers: localUsers ?? users, shard: shard,
                target: "ws://127.0.0.1:9/ws", embeddedServer: false, planFingerprint: fingerprint),
            startedAt: startedAt, durationSeconds: durationSeconds, counters: allCounters,
            latency: [
                "broadcast": .init(broadcast), "whisper": .init(whisper), "echo": .init(LatencyHistogram()),
                "connect": .init(LatencyHistogram()), "fanoutSpread": .init(LatencyHistogram()),
            ],
            errors: errors, timeSeries: timeSeries, thresholds: [], passed: true, serverStatsBefore: nil,
            serverStatsAfter: nil,
            generator: generator ?? .init(
                sends: allCounters["sends.total"] ?? 0, lateSends: 0, lateThresholdSeconds: 0.01, maxSendLagSeconds: 0.002,
                failedSends: 0, cpuSeconds: 1.5, peakResidentBytes: 40_000_000),
            notes: ["Synthetic report made by a test."])
        let rules = try thresholds.sorted { $0.key < $1.key }.map { metric, expression in
            try Threshold.parse(metric: metric, expression: expression).get()
        }
        report.evaluate(rules)
        return report
    }

    /// A time-series point with the given traffic.
    package static func point(
        _ second: Int, users: Int, out: Int, in messagesIn: Int, errors: Int = 0, p99: Double = 0
    ) -> LoadReport.TimeSeriesPoint {
        LoadReport.TimeSeriesPoint(
            second: second, usersConnected: users, messagesOut: out, messagesIn: messagesIn, bytesOut: out * 100,
            bytesIn: messagesIn * 100, errors: errors, broadcastP99: p99)
    }

    /// Writes `report` as JSON to a new temporary file and returns its path.
    package static func write(_ report: LoadReport, name: String = "report") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).json").path
        try report.jsonData().write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A fresh temporary path ending in `suffix` (nothing is created).
    package static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chatkit-\(UUID().uuidString)\(suffix)").path
    }
}
