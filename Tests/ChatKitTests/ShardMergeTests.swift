import ChatKit
import ChatKitLoad
import Foundation
import XCTest

/// One scenario run whole and as three concurrent shards against the same server: the merged shards'
/// report counts the same deliveries as the whole run.
final class ShardMergeTests: XCTestCase {
    /// Broadcast only (whispers to another shard's users are never sent, so they would not add up), two
    /// rooms whose members are spread over all three shards, and a hold after the ramp-up so that every
    /// shard's users have joined before any shard sends.
    private let scenarioJSON = #"""
        {"name":"shards","seed":21,
         "groups":[{"name":"m","count":12,"namePattern":"m-{i}","rooms":["room-{i%2}"]}],
         "phases":[{"type":"rampUp","duration":"300ms"},{"type":"hold","duration":"1s"},
                   {"type":"arrivals","duration":"2s","rate":"60/s","action":"say","size":64}],
         "drain":"3s",
         "thresholds":{"delivery.lost":"== 0","delivery.duplicated":"== 0","latency.broadcast.p99":"< 5s"}}
        """#

    /// Runs `scenario` as `count` shards at once, each with one event loop; their reports in shard order.
    private func runShards(_ scenario: Scenario, count: Int, against server: ChatServer) async throws -> [LoadReport] {
        let reports = try await withThrowingTaskGroup(of: LoadReport.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await LoadRunner.run(
                        scenario, options: LoadRunOptions(target: server.url, threads: 1, shard: (index, count)))
                }
            }
            return try await group.reduce(into: [LoadReport]()) { $0.append($1) }
        }
        return reports.sorted { ($0.scenario.shard ?? "") < ($1.scenario.shard ?? "") }
    }

    func testThreeShardsMergeIntoTheDeliveriesOfTheWholeRun() async throws {
        let scenario = try ScenarioParser.parse(Data(self.scenarioJSON.utf8))
        try await withServer { server in
            let whole = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            XCTAssertEqual(whole.counters["delivery.expected"], 120 * 6, whole.summaryText())
            XCTAssertTrue(whole.passed, whole.summaryText())

            // The server forgets the first run's users and rooms before the shards reuse the names.
            try await eventually("the first run's users to be gone", timeout: .seconds(10)) {
                server.hub.roomSummaries().isEmpty
            }
            let shards = try await self.runShards(scenario, count: 3, against: server)
            XCTAssertEqual(Set(shards.compactMap(\.scenario.shard)), ["1/3", "2/3", "3/3"])
            XCTAssertEqual(shards.map(\.scenario.localUsers), [4, 4, 4])

            let merged = try LoadReport.merge(shards)
            let detail = "whole:\n\(whole.summaryText())\nmerged:\n\(merged.summaryText())"
            XCTAssertNil(merged.scenario.shard)
            XCTAssertEqual(merged.scenario.localUsers, 12)
            XCTAssertEqual(merged.scenario.planFingerprint, whole.scenario.planFingerprint)
            for counter in [
                "delivery.expected", "delivery.received", "delivery.lost", "delivery.duplicated", "delivery.outOfOrder",
                "sends.total", "sends.failed", "connect.attempts", "connect.errors",
            ] {
                XCTAssertEqual(merged.counters[counter], whole.counters[counter], "\(counter)\n\(detail)")
            }
            XCTAssertEqual(merged.latency["broadcast"]?.count, whole.latency["broadcast"]?.count, detail)
            XCTAssertEqual(merged.latency["echo"]?.count, whole.latency["echo"]?.count, detail)
            XCTAssertEqual(merged.latency["connect"]?.count, 12)
            XCTAssertTrue(merged.passed, detail)
            XCTAssertEqual(merged.thresholds.map(\.metric), whole.thresholds.map(\.metric))

            // Latency is within noise: same machine, same server, a third of the users per process.
            let wholeP50 = try XCTUnwrap(whole.latency["broadcast"]?.p50)
            let mergedP50 = try XCTUnwrap(merged.latency["broadcast"]?.p50)
            XCTAssertGreaterThan(mergedP50, 0)
            XCTAssertLessThan(mergedP50, wholeP50 * 10 + 0.02, detail)
            XCTAssertLessThan(wholeP50, mergedP50 * 10 + 0.02, detail)
            // The merged p99 is the p99 of every shard's samples together: never above the worst shard's
            // (give or take the width of one HDR bucket, 0.1%), never below the best shard's.
            let shardP99s = shards.compactMap { $0.latency["broadcast"]?.p99 }
            let mergedP99 = try XCTUnwrap(merged.latency["broadcast"]?.p99)
            XCTAssertLessThanOrEqual(mergedP99, (shardP99s.max() ?? 0) * 1.002 + 0.000_002, detail)
            XCTAssertGreaterThanOrEqual(mergedP99, (shardP99s.min() ?? 0) * 0.998, detail)
        }
    }

    /// The members of one shard are dropped by the server half way; the other shard's members keep sending.
    /// The dropped shard alone cannot know how many messages followed; the merge must count them lost, as
    /// the whole run would.
    func testAMergeCountsWhatAShardsDroppedMembersMissedAfterTheirLastSeq() async throws {
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"shard-drop","seed":5,
             "groups":[{"name":"m","count":4,"namePattern":"k-{i}","rooms":["room"]}],
             "phases":[{"type":"rampUp","duration":"200ms"},{"type":"hold","duration":"1s"},
                       {"type":"arrivals","duration":"2s","rate":"40/s","action":"say","size":64}],
             "drain":"2s",
             "thresholds":{"delivery.lost":"== 0"}}
            """#.utf8))
        try await withServer { server in
            // Shard 2/2 runs users 1 and 3.
            let kicker = Task {
                try await eventually("the run to be under way", timeout: .seconds(20)) {
                    (server.hub.roomSummaries().first?.seq ?? 0) >= 20
                }
                XCTAssertTrue(server.hub.kick("k-1", reason: "test drop"))
                XCTAssertTrue(server.hub.kick("k-3", reason: "test drop"))
            }
            let shards = try await self.runShards(scenario, count: 2, against: server)
            try await kicker.value
            let dropped = try XCTUnwrap(shards.first { $0.scenario.shard == "2/2" })
            let kept = try XCTUnwrap(shards.first { $0.scenario.shard == "1/2" })
            XCTAssertEqual(dropped.counters["connect.disconnects"], 2)
            // Alone, the dropped shard only expected what came before its members' last seq: no loss.
            XCTAssertEqual(dropped.counters["delivery.lost"], 0, dropped.summaryText())
            XCTAssertEqual(kept.counters["delivery.lost"], 0, kept.summaryText())

            let merged = try LoadReport.merge(shards)
            let detail = merged.summaryText()
            // Every member joined before the first send (the hold), so each should have had every message.
            let messages = merged.counters["sends.total"] ?? 0
            XCTAssertEqual(merged.counters["errors.total"], 2, detail)  // the two drops; no send was refused
            XCTAssertEqual(merged.counters["delivery.expected"], 4 * messages, detail)
            let received = merged.counters["delivery.received"] ?? 0
            XCTAssertEqual(received + (merged.counters["delivery.lost"] ?? 0), 4 * messages, detail)
            XCTAssertGreaterThan(merged.counters["delivery.lost"] ?? 0, 0, detail)
            XCTAssertFalse(merged.passed, detail)
        }
    }

    /// A raw run in two shards against a plain broadcast server: each shard counts the copies of its own
    /// users' sends, exactly (another shard's numbering says nothing of when a user became ready), and still
    /// takes the latency of the others' copies.
    func testRawShardsCountTheCopiesOfTheirOwnSendsExactly() async throws {
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"raw-shards","seed":8,"protocol":"raw","groups":[{"name":"g","count":4}],
             "phases":[{"type":"rampUp","duration":"200ms"},{"type":"hold","duration":"500ms"},
                       {"type":"arrivals","duration":"1s","rate":"40/s","action":"say","size":64}],
             "thresholds":{"delivery.lost":"== 0"}}
            """#.utf8))
        try await withServer({ $0.mode = .broadcast }) { server in
            let shards = try await self.runShards(scenario, count: 2, against: server)
            for shard in shards {
                let c = shard.counters, detail = shard.summaryText()
                // Each send goes to the shard's own 2 users (the sender included).
                XCTAssertEqual(c["delivery.expected"], 2 * (c["sends.total"] ?? 0), detail)
                XCTAssertEqual(c["delivery.received"], c["delivery.expected"], detail)
                XCTAssertEqual(c["delivery.lost"], 0, detail)
                XCTAssertEqual(shard.latency["echo"]?.count, UInt64(c["sends.total"] ?? 0), detail)
            }
            let merged = try LoadReport.merge(shards)
            let sends = merged.counters["sends.total"] ?? 0
            XCTAssertEqual(sends, 40)
            XCTAssertEqual(merged.counters["delivery.expected"], 2 * sends)
            XCTAssertEqual(merged.counters["delivery.received"], 2 * sends)
            // Every user saw every other user's sends: 3 broadcast samples per send, whichever shard sent it.
            XCTAssertEqual(merged.latency["broadcast"]?.count, UInt64(3 * sends), merged.summaryText())
            XCTAssertTrue(merged.passed, merged.summaryText())
        }
    }

    /// Four users join one room half a second apart, two per shard. A shard's members expect the joins of the
    /// shard's own users only, so only those count as observed: the other shard's joins must not make up for
    /// a missing one.
    func testAShardCountsThePresenceOfItsOwnUsers() async throws {
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"shard-presence","seed":3,
             "groups":[{"name":"p","count":4,"namePattern":"p-{i}","rooms":["room"]}],
             "phases":[{"type":"rampUp","duration":"2s"},{"type":"hold","duration":"300ms"}],
             "thresholds":{"presence.missing":"== 0"}}
            """#.utf8))
        try await withServer { server in
            for shard in try await self.runShards(scenario, count: 2, against: server) {
                // Of a shard's two users, the one that joined first sees the other join: nothing else counts.
                XCTAssertEqual(shard.counters["presence.expected"], 1, shard.summaryText())
                XCTAssertEqual(shard.counters["presence.observed"], 1, shard.summaryText())
                XCTAssertTrue(shard.passed, shard.summaryText())
            }
        }
    }
}
