import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// Plans are reproducible: the same seed gives the same users, connection times and arrivals.
final class LoadPlanTests: XCTestCase {
    private func scenario(seed: UInt64) throws -> Scenario {
        var scenario = try ScenarioParser.parse(
            contentsOf: RepositoryPaths.root.appendingPathComponent("scenarios/burst.json").path)
        scenario.seed = seed
        return scenario
    }

    func testSameSeedSamePlanOtherSeedOtherPlan() throws {
        let first = LoadPlan(scenario: try self.scenario(seed: 42))
        let again = LoadPlan(scenario: try self.scenario(seed: 42))
        let other = LoadPlan(scenario: try self.scenario(seed: 43))
        XCTAssertEqual(first.fingerprint, again.fingerprint)
        XCTAssertEqual(first.users, again.users)
        XCTAssertEqual(Array(first.arrivals(ofPhase: 1)), Array(again.arrivals(ofPhase: 1)))
        XCTAssertNotEqual(first.fingerprint, other.fingerprint)
        XCTAssertNotEqual(Array(first.arrivals(ofPhase: 1)), Array(other.arrivals(ofPhase: 1)))
    }

    func testRampUpSpreadsConnectionsEvenly() throws {
        let plan = LoadPlan(scenario: try self.scenario(seed: 42))
        let offsets = plan.users.map(\.connectOffsetSeconds).sorted()
        XCTAssertEqual(offsets.first, 0)
        XCTAssertEqual(offsets.last ?? 0, 2.0 * 299 / 300, accuracy: 1e-9)
        XCTAssertEqual(Set(offsets).count, 300)
        XCTAssertEqual(plan.users[7].name, "user-7")
        XCTAssertEqual(plan.users[7].rooms, ["room-7"])
    }

    func testArrivalsFollowTheRate() throws {
        let plan = LoadPlan(scenario: try self.scenario(seed: 42))
        let says = Array(plan.arrivals(ofPhase: 1))
        XCTAssertEqual(says.count, 1500)  // 300/s for 5 s
        XCTAssertEqual(says[1].offsetSeconds - says[0].offsetSeconds, 1.0 / 300, accuracy: 1e-9)
        XCTAssertLessThan(says.last?.offsetSeconds ?? 99, 5)
        for arrival in says.prefix(50) {
            XCTAssertEqual(arrival.room, plan.users[arrival.userIndex].rooms.first)
        }
        let whispers = Array(plan.arrivals(ofPhase: 2))
        XCTAssertEqual(whispers.count, 400)
        XCTAssertTrue(whispers.allSatisfy { $0.targetIndex != nil && $0.targetIndex != $0.userIndex })
    }

    func testRampingRateAcceleratesLinearly() throws {
        let json = #"""
            {"name":"ramp","groups":[{"name":"g","count":3,"rooms":["r"]}],
             "phases":[{"type":"arrivals","duration":"10s","from":"10/s","to":"30/s"}]}
            """#
        let plan = LoadPlan(scenario: try ScenarioParser.parse(Data(json.utf8)))
        let arrivals = Array(plan.arrivals(ofPhase: 0))
        XCTAssertEqual(arrivals.count, 200)  // mean 20/s over 10 s
        let firstGap = arrivals[1].offsetSeconds - arrivals[0].offsetSeconds
        let lastGap = arrivals[199].offsetSeconds - arrivals[198].offsetSeconds
        XCTAssertEqual(firstGap, 0.1, accuracy: 0.01)
        XCTAssertEqual(lastGap, 1.0 / 30, accuracy: 0.005)
        // N(t) = 10t + t²: the 100th arrival is due at t = 5(√5 − 1) ≈ 6.18 s.
        XCTAssertEqual(arrivals[100].offsetSeconds, 6.18, accuracy: 0.02)
    }

    func testShardsSplitTheUsersDeterministically() throws {
        let scenario = try self.scenario(seed: 42)
        let shards = (0..<3).map { LoadPlan(scenario: scenario, shard: (index: $0, count: 3)) }
        let all = shards.flatMap(\.localUserIndexes).sorted()
        XCTAssertEqual(all, Array(0..<300))
        XCTAssertEqual(shards.map(\.localUserIndexes.count), [100, 100, 100])
        XCTAssertEqual(shards[1].fingerprint, LoadPlan(scenario: scenario).fingerprint, "sharding does not change the plan")
    }
}
