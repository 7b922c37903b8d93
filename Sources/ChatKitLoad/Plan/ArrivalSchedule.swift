import ChatKit

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
