import Atomics
import ChatKit
import NIOCore

/// Plays one churn phase alongside the phase it is placed before: at `rate`, from the start of that phase, it picks
/// a user (seeded, so the same seed churns the same users) and disconnects it on purpose. When the phase ends (or
/// the churn's `duration`), it waits for the churned users to be back, at most `away`, the connect timeout and a second;
/// one still away then counts as a failed reconnect.
final class ChurnDriver: Sendable {
    private let candidates: [SimulatedUser]
    private let stopped = ManagedAtomic<Bool>(false)
    /// Users away on a churn of this phase (disconnected on purpose, not yet ready again).
    private let away = ManagedAtomic<Int>(0)
    private let waitSeconds: Double
    private let stop: LoadRunStop?
    private let task: Task<Void, Never>

    /// Starts churning `users` (those of the phase's group, if it names one).
    init(_ phase: ChurnPhase, number: Int, users: [SimulatedUser], context: LoadRunContext, stop: LoadRunStop?) {
        self.stop = stop
        let candidates = users.filter { user in
            phase.group.map { context.scenario.groups[user.planned.groupIndex].name == $0 } ?? true
        }
        self.candidates = candidates
        self.waitSeconds = phase.awaySeconds + context.scenario.connectTimeoutSeconds + 1
        let seed = context.scenario.seed
        let (stopped, away) = (self.stopped, self.away)
        self.task = Task {
            guard !candidates.isEmpty else { return }
            var random = SeededRandom.derived(from: seed, 0xC4_0000 + UInt64(number))
            let start = ContinuousClock.now
            let end = phase.seconds.map { start + .seconds($0) }
            var count = 0
            while !stopped.load(ordering: .relaxed) && stop?.isStopped != true {
                let planned = start + .seconds(Double(count) / phase.ratePerSecond)
                if let end, planned >= end { return }
                let wait = planned - ContinuousClock.now
                if wait > .zero {
                    try? await Task.sleep(for: min(wait, .milliseconds(20)))
                    continue
                }
                count += 1
                let user = candidates[Int.random(in: 0..<candidates.count, using: &random)]
                away.wrappingIncrement(ordering: .relaxed)
                user.eventLoop.execute { user.churn(phase, awayCount: away) }
            }
        }
    }

    /// Stops churning, waits (bounded; not after a stop) for the users still away, and counts those not back as failed
    /// reconnects.
    func finish() async {
        self.stopped.store(true, ordering: .relaxed)
        await self.task.value
        let deadline = ContinuousClock.now + .seconds(self.waitSeconds)
        // After a stop (SIGINT, SIGTERM) the phase ends at once: no waiting for users still away.
        while self.away.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline && self.stop?.isStopped != true {
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard self.away.load(ordering: .relaxed) > 0 else { return }
        for user in self.candidates {
            try? await user.eventLoop.submit { user.giveUpChurn() }.get()
        }
    }

    /// Starts the churn phases that run alongside `phases[phaseIndex]`.
    static func start(
        alongside phaseIndex: Int, users: [SimulatedUser], context: LoadRunContext, stop: LoadRunStop?
    ) -> [ChurnDriver] {
        context.scenario.churn.enumerated().compactMap { number, phase in
            guard phase.alongside == phaseIndex else { return nil }
            return ChurnDriver(phase, number: number, users: users, context: context, stop: stop)
        }
    }

    /// Why a scenario's churn cannot run against this target: `kick` needs the admin API and its token.
    static func problem(_ scenario: Scenario, adminAuthorization: String?, transport: LoadHTTPTransport?) -> String? {
        guard scenario.churn.contains(where: { $0.mode == .kick }) else { return nil }
        if transport == nil { return "churn mode \"kick\" needs HTTP to reach the admin API" }
        if adminAuthorization == nil {
            return "churn mode \"kick\" needs the admin API's token (admin.token in the scenario, or --admin-token)"
        }
        return nil
    }
}
