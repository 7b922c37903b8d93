import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// `LoadReport.merge`: shards' reports add up exactly to the report of their union.
final class ReportMergeTests: XCTestCase {
    /// Deterministic samples spread over 0.1 ms … 200 ms, so that many HDR buckets are wider than 1 µs.
    private func samples(count: Int, seed: UInt64) -> [UInt64] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return 100 + (state >> 33) % 200_000
        }
    }

    private let rules = [
        "delivery.lost": "== 0", "latency.broadcast.p99": "< 150ms", "connect.errors": "< 10%", "errors.too_long": "<= 3",
    ]

    func testMergeOfTwoShardsEqualsTheReportOfTheUnionOfTheirSamples() throws {
        let samplesA = self.samples(count: 5_000, seed: 1)
        let samplesB = self.samples(count: 3_000, seed: 2) + [190_123, 199_999]
        let whispersA = self.samples(count: 40, seed: 3)
        let countersA = ["delivery.expected": 800, "delivery.received": 800, "sends.total": 200, "connect.attempts": 6]
        let countersB = [
            "delivery.expected": 900, "delivery.received": 897, "delivery.lost": 3, "sends.total": 210,
            "connect.attempts": 6, "connect.errors": 1,
        ]
        let a = try SyntheticReports.report(
            localUsers: 6, shard: "1/2", broadcastMicros: samplesA, whisperMicros: whispersA, counters: countersA,
            errors: ["too_long": 2],
            timeSeries: [
                SyntheticReports.point(1, users: 6, out: 90, in: 400, p99: 0.020),
                SyntheticReports.point(2, users: 6, out: 110, in: 400, errors: 1, p99: 0.030),
            ],
            thresholds: self.rules)
        let b = try SyntheticReports.report(
            localUsers: 6, shard: "2/2", broadcastMicros: samplesB, counters: countersB,
            errors: ["too_long": 1, "closed_1008": 1],
            timeSeries: [
                SyntheticReports.point(1, users: 5, out: 100, in: 450, p99: 0.025),
                SyntheticReports.point(2, users: 6, out: 110, in: 447, p99: 0.010),
                SyntheticReports.point(3, users: 6, out: 0, in: 3),
            ],
            thresholds: self.rules, durationSeconds: 3.4)
        // The whole run, as one process would have recorded it: every sample in one histogram.
        var unionCounters = countersA
        unionCounters.merge(countersB, uniquingKeysWith: +)
        let union = try SyntheticReports.report(
            broadcastMicros: samplesA + samplesB, whisperMicros: whispersA, counters: unionCounters,
            errors: ["too_long": 3, "closed_1008": 1],
            timeSeries: [
                SyntheticReports.point(1, users: 11, out: 190, in: 850, p99: 0.025),
                SyntheticReports.point(2, users: 12, out: 220, in: 847, errors: 1, p99: 0.030),
                SyntheticReports.point(3, users: 6, out: 0, in: 3),
            ],
            thresholds: self.rules, durationSeconds: 3.4)

        let merged = try LoadReport.merge([a, b], labels: ["a.json", "b.json"])

        XCTAssertEqual(merged.latency, union.latency)
        XCTAssertEqual(merged.counters, union.counters)
        XCTAssertEqual(merged.errors, union.errors)
        XCTAssertEqual(merged.timeSeries, union.timeSeries)
        XCTAssertEqual(merged.thresholds, union.thresholds)
        XCTAssertEqual(merged.passed, union.passed)
        XCTAssertFalse(merged.passed)  // delivery.lost == 0 fails on shard 2's losses
        XCTAssertEqual(merged.durationSeconds, 3.4)
        XCTAssertEqual(merged.scenario.localUsers, 12)
        XCTAssertNil(merged.scenario.shard, "a complete set of shards is the whole run")
        XCTAssertEqual(merged.generator.sends, 410)
        XCTAssertEqual(merged.generator.cpuSeconds, 3.0)
        XCTAssertEqual(merged.generator.peakResidentBytes, 40_000_000)
        XCTAssertTrue(merged.notes.contains { $0.hasPrefix("Merged from 2 reports (1/2, 2/2)") }, "\(merged.notes)")

        // Every statistic comes from the merged histogram, exactly.
        var unionHistogram = LatencyHistogram()
        for micros in samplesA + samplesB { unionHistogram.record(nanoseconds: Int64(micros) * 1000) }
        let broadcast = try XCTUnwrap(merged.latency["broadcast"])
        XCTAssertEqual(broadcast.count, 8_002)
        XCTAssertEqual(broadcast.p99, unionHistogram.seconds(atPercentile: 99))
        XCTAssertEqual(broadcast.p50, unionHistogram.seconds(atPercentile: 50))
        XCTAssertEqual(broadcast.p999, unionHistogram.seconds(atPercentile: 99.9))
        XCTAssertEqual(broadcast.max, unionHistogram.maxSeconds)
        XCTAssertEqual(broadcast.histogram, unionHistogram)

        // And a JSON round trip keeps all of it.
        XCTAssertEqual(try LoadReport.decode(try merged.jsonData()), merged)
    }

    func testAMergeCountsEveryShardUpToTheRoomsLastSeqOverAllShards() throws {
        // Room "a": shard 1's members saw up to seq 50, shard 2's only up to 40 (its 3 members lost their
        // connection at 40, and one more joined at 45 and saw nothing). Room "b": both saw 10.
        var one = try SyntheticReports.report(
            localUsers: 6, shard: "1/2",
            counters: ["delivery.expected": 100, "delivery.received": 100], thresholds: ["delivery.lost": "== 0"])
        one.roomTails = ["a": RoomTail(lastSeq: 50, membersToLast: 2), "b": RoomTail(lastSeq: 10, membersToLast: 1)]
        var two = try SyntheticReports.report(
            localUsers: 6, shard: "2/2",
            counters: ["delivery.expected": 130, "delivery.received": 130], thresholds: ["delivery.lost": "== 0"])
        two.roomTails = [
            "a": RoomTail(lastSeq: 40, membersToLast: 3, joinedAfterLast: [45, 60]),
            "b": RoomTail(lastSeq: 10, membersToLast: 4),
        ]
        XCTAssertTrue(one.passed && two.passed)

        let merged = try LoadReport.merge([one, two])
        // Seqs 41-50 for 3 members, 46-50 for the late one, nothing for one that joined after 50.
        let missed = 10 * 3 + 5
        XCTAssertEqual(merged.counters["delivery.expected"], 230 + missed)
        XCTAssertEqual(merged.counters["delivery.received"], 230)
        XCTAssertEqual(merged.counters["delivery.lost"], missed)
        XCTAssertFalse(merged.passed)
        XCTAssertTrue(merged.notes.contains { $0.hasPrefix("35 copies were counted lost at the merge") }, "\(merged.notes)")
        XCTAssertEqual(
            merged.roomTails,
            ["a": RoomTail(lastSeq: 50, membersToLast: 6, joinedAfterLast: [60]), "b": RoomTail(lastSeq: 10, membersToLast: 5)])
        // The merged tails survive the report file, and merging in order or not gives the same count.
        XCTAssertEqual(try LoadReport.decode(try merged.jsonData()).roomTails, merged.roomTails)
        XCTAssertEqual(try LoadReport.merge([two, one]).counters["delivery.lost"], missed)

        // Reports without tails (raw runs, older files) merge as plain sums.
        var old = two
        old.roomTails = nil
        XCTAssertEqual(try LoadReport.merge([one, old]).counters["delivery.lost"], 0)
        XCTAssertNil(try LoadReport.merge([one, old]).roomTails)
    }

    func testThePercentileOfAMergeIsNotTheAverageOfPercentiles() throws {
        // Shard 1: 1000 fast copies. Shard 2: 100 slow ones. Of the 1100, the slowest 1% are all slow.
        let fast = try SyntheticReports.report(shard: "1/2", broadcastMicros: Array(repeating: 1_000, count: 1_000))
        let slow = try SyntheticReports.report(shard: "2/2", broadcastMicros: Array(repeating: 50_000, count: 100))
        let merged = try LoadReport.merge([fast, slow])
        let p99 = try XCTUnwrap(merged.latency["broadcast"]?.p99)
        XCTAssertEqual(p99, 0.05, accuracy: 0.0001)
        let averaged = ((fast.latency["broadcast"]?.p99 ?? 0) + (slow.latency["broadcast"]?.p99 ?? 0)) / 2
        XCTAssertEqual(averaged, 0.0255, accuracy: 0.0001)
        XCTAssertEqual(merged.latency["broadcast"]?.p50 ?? 0, 0.001, accuracy: 0.00001)
    }

    func testThresholdsAreEvaluatedAgainOnTheMergeWithOverrides() throws {
        // Shards 1 and 2 each lost 1 of 1000 (0.1%) and pass "< 0.15%", together too; shard 3 is slow.
        let rules = ["delivery.lost": "< 0.15%", "latency.broadcast.p99": "< 10ms"]
        let one = try SyntheticReports.report(
            shard: "1/3", broadcastMicros: [2_000], counters: ["delivery.expected": 1000, "delivery.lost": 1],
            thresholds: rules)
        let two = try SyntheticReports.report(
            shard: "2/3", broadcastMicros: [3_000], counters: ["delivery.expected": 1000, "delivery.lost": 1],
            thresholds: rules)
        let three = try SyntheticReports.report(
            shard: "3/3", broadcastMicros: [20_000], counters: ["delivery.expected": 100, "delivery.lost": 1],
            thresholds: ["delivery.lost": "< 2%", "latency.broadcast.p99": "< 10ms"])
        XCTAssertTrue(one.passed && two.passed)
        XCTAssertFalse(three.passed)

        let partial = try LoadReport.merge([one, two])
        XCTAssertTrue(partial.passed, partial.summaryText())
        XCTAssertEqual(partial.scenario.shard, "1/3+2/3")
        XCTAssertEqual(partial.thresholds.first { $0.metric == "delivery.lost" }?.value ?? 0, 0.001, accuracy: 1e-9)

        let whole = try LoadReport.merge([partial, three])
        XCTAssertNil(whole.scenario.shard)
        XCTAssertFalse(whole.passed)
        // The first report's rule wins, and the disagreement is noted.
        XCTAssertEqual(whole.thresholds.first { $0.metric == "delivery.lost" }?.expression, "< 0.15%")
        XCTAssertTrue(whole.notes.contains { $0.contains("delivery.lost") && $0.contains("< 2%") }, "\(whole.notes)")
        XCTAssertEqual(whole.thresholds.first { $0.metric == "latency.broadcast.p99" }?.passed, false)

        let relaxed = try LoadReport.merge(
            [one, two, three],
            overrides: [
                try Threshold.parse(rule: "latency.broadcast.p99 < 1s").get(),
                try Threshold.parse(rule: "delivery.lost <= 3").get(),
            ])
        XCTAssertTrue(relaxed.passed, relaxed.summaryText())
        XCTAssertEqual(relaxed.thresholds.map(\.metric), ["latency.broadcast.p99", "delivery.lost"])
    }

    func testReportsThatAreNotShardsOfOneRunAreRefused() throws {
        let base = try SyntheticReports.report(shard: "1/2")
        func refusal(_ reports: [LoadReport]) -> String {
            do {
                _ = try LoadReport.merge(reports, labels: ["a.json", "b.json"])
                return "merged"
            } catch {
                return error.message
            }
        }
        XCTAssertEqual(
            refusal([base, try SyntheticReports.report(seed: 8, shard: "2/2")]),
            "b.json has seed 8 but a.json has seed 7: only reports of the same scenario, seed and plan can be merged")
        XCTAssertEqual(
            refusal([base, try SyntheticReports.report(name: "other", shard: "2/2")]),
            "b.json has scenario \"other\" but a.json has scenario \"synthetic\": only reports of the same scenario, "
                + "seed and plan can be merged")
        XCTAssertTrue(
            refusal([base, try SyntheticReports.report(fingerprint: "ffff", shard: "2/2")])
                .hasPrefix("b.json has plan fingerprint ffff but a.json has plan fingerprint 00112233aabbccdd"))
        XCTAssertEqual(
            refusal([base, base]),
            "b.json and a.json both hold shard 1/2: merging them would count its users twice")
        XCTAssertEqual(
            refusal([base, try SyntheticReports.report(shard: "2/3")]),
            "b.json is shard 2/3 but a.json is shard 1/2: the users were split differently")
        XCTAssertEqual(
            refusal([base, try SyntheticReports.report()]),
            "a.json is shard 1/2 but b.json ran every user: shards and whole runs cannot be merged")
        XCTAssertEqual(refusal([]), "no reports to merge")

        var corrupt = try SyntheticReports.report(shard: "2/2", thresholds: ["delivery.lost": "== 0"])
        corrupt.thresholds[0].expression = "about zero"
        XCTAssertEqual(
            refusal([base, corrupt]),
            "b.json: thresholds[0] (delivery.lost about zero): expected \"<|<=|>|>=|==|!= VALUE\", got \"about zero\"")
    }

    func testWholeRunsOfTheSameScenarioMergeAsRepeatedRuns() throws {
        let first = try SyntheticReports.report(broadcastMicros: [1_000], counters: ["delivery.expected": 10])
        let second = try SyntheticReports.report(broadcastMicros: [2_000], counters: ["delivery.expected": 10])
        let merged = try LoadReport.merge([first, second])
        XCTAssertEqual(merged.scenario.shard, "merged 2")
        XCTAssertEqual(merged.scenario.localUsers, 24)
        XCTAssertEqual(merged.counters["delivery.expected"], 20)
        XCTAssertEqual(merged.latency["broadcast"]?.count, 2)
    }

    func testAPartSecondThatRoundsOntoTheLastSecondDoesNotCountItsUsersTwice() throws {
        // A run's last part-second can round to the same `second` as the point before it.
        let report = try SyntheticReports.report(
            shard: "1/1",
            timeSeries: [
                SyntheticReports.point(4, users: 10, out: 100, in: 1000, p99: 0.01),
                SyntheticReports.point(4, users: 9, out: 5, in: 50, p99: 0.02),
            ])
        let merged = try LoadReport.merge([report])
        XCTAssertEqual(merged.timeSeries, [SyntheticReports.point(4, users: 9, out: 105, in: 1050, p99: 0.02)])
    }

    func testShardLabelsReadWhatTheRunnerAndTheMergeWrite() {
        XCTAssertEqual(ShardLabel("2/3"), ShardLabel(indexes: [2], count: 3))
        XCTAssertEqual(ShardLabel("1/3+3/3")?.text, "1/3+3/3")
        XCTAssertNil(ShardLabel(nil))
        XCTAssertNil(ShardLabel("merged 2"))
        XCTAssertNil(ShardLabel("4/3"))
        XCTAssertNil(ShardLabel("1/2+1/3"))
    }
}
