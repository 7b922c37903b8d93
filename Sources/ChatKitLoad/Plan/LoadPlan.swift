import ChatKit
import Foundation

/// The deterministic plan of a run: users, connection times, and every arrival of every open-model phase.
/// Built from the scenario and its seed alone, so the same seed gives the same plan.
public struct LoadPlan: Sendable {
    public let scenario: Scenario
    public let users: [PlannedUser]
    /// The users of the shard this process runs (all of them when not sharded).
    public let localUserIndexes: [Int]
    private let userIndexByName: [String: Int]
    private let shardIndex: Int
    private let shardCount: Int

    /// Builds the plan. `shard` (0-based index, count) keeps a deterministic 1/count of the users local.
    public init(scenario: Scenario, shard: (index: Int, count: Int) = (0, 1)) {
        self.scenario = scenario
        var users: [PlannedUser] = []
        for (groupIndex, group) in scenario.groups.enumerated() {
            for indexInGroup in 0..<group.count {
                users.append(PlannedUser(
                    index: users.count, groupIndex: groupIndex, indexInGroup: indexInGroup,
                    name: NamePattern.expand(group.namePattern, index: indexInGroup),
                    rooms: group.rooms.map { NamePattern.expand($0, index: indexInGroup) },
                    connectOffsetSeconds: 0))
            }
        }
        // Connections are spread evenly over the ramp-up, in an order shuffled by the seed so that rooms
        // fill evenly rather than one after the other.
        let rampSeconds = scenario.phases.first.flatMap { phase -> Double? in
            if case .rampUp(let seconds) = phase { return seconds }
            return nil
        } ?? 0
        var order = Array(users.indices)
        var random = SeededRandom.derived(from: scenario.seed, 0xC0)
        order.shuffle(using: &random)
        let spacing = users.isEmpty ? 0 : rampSeconds / Double(users.count)
        for (position, userIndex) in order.enumerated() {
            users[userIndex].connectOffsetSeconds = Double(position) * spacing
        }
        self.users = users
        self.userIndexByName = Dictionary(users.map { ($0.name, $0.index) }, uniquingKeysWith: { first, _ in first })
        let shardCount = max(1, shard.count), shardIndex = shard.index % shardCount
        (self.shardCount, self.shardIndex) = (shardCount, shardIndex)
        self.localUserIndexes = users.indices.filter { $0 % shardCount == shardIndex }
    }

    /// Whether user `userIndex` is one of this process's (always, when not sharded).
    func isLocal(_ userIndex: Int) -> Bool { userIndex % self.shardCount == self.shardIndex }

    /// Whether this process runs one shard of several (`--shard`).
    var isSharded: Bool { self.shardCount > 1 }

    /// The index of the user called `name`.
    public func userIndex(named name: String) -> Int? { self.userIndexByName[name] }

    /// Users that may act in an arrivals phase.
    func actors(for arrivals: Arrivals) -> [Int] {
        guard let group = arrivals.group, let groupIndex = self.scenario.groups.firstIndex(where: { $0.name == group })
        else { return Array(self.users.indices) }
        return self.users.indices.filter { self.users[$0].groupIndex == groupIndex }
    }

    /// The arrivals of phase `phaseIndex`, generated lazily in time order.
    public func arrivals(ofPhase phaseIndex: Int) -> ArrivalSchedule {
        guard phaseIndex < self.scenario.phases.count, case .arrivals(let arrivals) = self.scenario.phases[phaseIndex] else {
            return ArrivalSchedule(plan: self, arrivals: nil, actors: [], random: SeededRandom(seed: 0))
        }
        return ArrivalSchedule(
            plan: self, arrivals: arrivals, actors: self.actors(for: arrivals),
            random: SeededRandom.derived(from: self.scenario.seed, UInt64(phaseIndex + 1)))
    }

    /// A fingerprint of the whole plan (users, connection times, every arrival): equal plans, equal prints.
    public var fingerprint: String {
        var hasher = FNV1a()
        for user in self.users {
            hasher.add("\(user.index)|\(user.name)|\(user.rooms.joined(separator: ","))|\(user.connectOffsetSeconds)")
        }
        for phaseIndex in self.scenario.phases.indices {
            for arrival in self.arrivals(ofPhase: phaseIndex) {
                hasher.add("\(phaseIndex)|\(arrival.offsetSeconds)|\(arrival.userIndex)|\(arrival.room ?? "")|\(arrival.targetIndex ?? -1)")
            }
        }
        return String(format: "%016llx", hasher.value)
    }
}
