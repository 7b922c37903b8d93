import Foundation

/// A small, fast, seedable random generator (SplitMix64): the same seed gives the same sequence on every
/// machine, which is what makes a plan reproducible.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for a sub-stream (a user, a phase) derived from a seed and a label.
    public static func derived(from seed: UInt64, _ label: UInt64) -> SeededRandom {
        var mixer = SeededRandom(seed: seed ^ (label &* 0xD1B5_4A32_D192_ED03))
        return SeededRandom(seed: mixer.next())
    }
}

/// One simulated user of the plan.
public struct PlannedUser: Sendable, Equatable {
    /// Index among all users of the scenario.
    public var index: Int
    /// Index of its group in the scenario.
    public var groupIndex: Int
    /// Index within its group (the `{i}` of name patterns).
    public var indexInGroup: Int
    public var name: String
    /// Rooms joined once connected.
    public var rooms: [String]
    /// When the user connects, in seconds from the start of its ramp-up.
    public var connectOffsetSeconds: Double
}

/// One open-model arrival: at `offsetSeconds` into the phase, user `userIndex` does the phase's action,
/// in room `room` (say) or to user `targetIndex` (whisper).
public struct PlannedArrival: Sendable, Equatable {
    public var offsetSeconds: Double
    public var userIndex: Int
    public var room: String?
    public var targetIndex: Int?
}

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

/// The arrivals of one open-model phase, in time order: evenly spaced at a rate that moves linearly from
/// the phase's `from` to its `to` rate (constant throughput, as wrk2 does), each given to a user chosen by
/// the seeded generator.
public struct ArrivalSchedule: Sequence, IteratorProtocol, Sendable {
    private let plan: LoadPlan
    private let arrivals: Arrivals?
    private let actors: [Int]
    private var random: SeededRandom
    private var index = 0

    init(plan: LoadPlan, arrivals: Arrivals?, actors: [Int], random: SeededRandom) {
        self.plan = plan
        self.arrivals = arrivals
        self.actors = actors
        self.random = random
    }

    /// Arrivals in the whole phase.
    public var totalCount: Int {
        guard let arrivals else { return 0 }
        return Int((arrivals.fromRate + arrivals.toRate) / 2 * arrivals.seconds)
    }

    public mutating func next() -> PlannedArrival? {
        guard let arrivals, !self.actors.isEmpty, self.index < self.totalCount else { return nil }
        let offset = Self.offset(ofArrival: self.index, arrivals)
        self.index += 1
        let userIndex = self.actors[Int(self.random.next() % UInt64(self.actors.count))]
        let user = self.plan.users[userIndex]
        switch arrivals.action {
        case .say:
            let room = user.rooms.isEmpty ? nil : user.rooms[Int(self.random.next() % UInt64(user.rooms.count))]
            return PlannedArrival(offsetSeconds: offset, userIndex: userIndex, room: room, targetIndex: nil)
        case .whisper:
            let count = self.plan.users.count
            var target = count > 1 ? Int(self.random.next() % UInt64(count - 1)) : userIndex
            if count > 1 && target >= userIndex { target += 1 }
            return PlannedArrival(offsetSeconds: offset, userIndex: userIndex, room: nil, targetIndex: target)
        }
    }

    /// When arrival `k` is due: the time at which the integral of the rate reaches `k`.
    static func offset(ofArrival k: Int, _ arrivals: Arrivals) -> Double {
        let r0 = arrivals.fromRate, r1 = arrivals.toRate, duration = arrivals.seconds
        let n = Double(k)
        if abs(r1 - r0) < 1e-12 { return r0 > 0 ? n / r0 : duration }
        // r0 t + (r1 - r0) t² / (2 T) = n
        let a = (r1 - r0) / (2 * duration)
        let discriminant = r0 * r0 + 4 * a * n
        return (-r0 + discriminant.squareRoot()) / (2 * a)
    }
}

/// 64-bit FNV-1a, for plan fingerprints.
struct FNV1a {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325
    mutating func add(_ text: String) {
        for byte in text.utf8 {
            self.value ^= UInt64(byte)
            self.value &*= 0x0000_0100_0000_01B3
        }
        self.value ^= 0xFF
        self.value &*= 0x0000_0100_0000_01B3
    }
}
