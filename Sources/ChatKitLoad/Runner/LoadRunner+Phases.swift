import Atomics
import ChatKit
import NIOCore

// The phases: connecting the users (the ramp-up), open-model arrivals, scripts and holds, and closing the
// connections at the end.
extension LoadRunner {
    /// Connects every user, spread over `rampSeconds`, and waits until each is ready or has failed. Throws
    /// ``LoadRunError/targetUnusable(url:reason:)`` as soon as the target is clearly unusable: no user has ever been
    /// ready and the first connection attempts (five, or every user if fewer) all failed.
    /// After a stop the connects not yet started are skipped (not cancelled: a cancel searches the loop's queue
    /// of scheduled tasks, quadratic over thousands of users) and the wait ends.
    static func connect(
        _ users: [SimulatedUser], context: LoadRunContext, loopMetrics: [LoopMetrics], rampSeconds: Double,
        stop: LoadRunStop? = nil
    ) async throws {
        guard stop?.isStopped != true else { return }
        let failed = ManagedAtomic<Int>(0)
        let start = LoadRunContext.now()
        for user in users {
            let offset = Int64(user.planned.connectOffsetSeconds * 1e9)
            let delay = max(0, start + offset - LoadRunContext.now())
            user.eventLoop.scheduleTask(in: .nanoseconds(delay)) {
                if stop?.isStopped == true { return }
                user.connect { connected in
                    if !connected { failed.wrappingIncrement(ordering: .relaxed) }
                }
            }
        }
        // Connected means in its rooms too: wait until every user is ready or has failed for good, bounded
        // by the ramp-up and the connect timeout.
        let deadline = ContinuousClock.now + .seconds(rampSeconds + context.scenario.connectTimeoutSeconds + 1)
        while ContinuousClock.now < deadline {
            let settled = context.connectedUsers.load(ordering: .relaxed) + failed.load(ordering: .relaxed)
            if settled >= users.count { break }
            if context.everReadyUsers.load(ordering: .relaxed) == 0 {
                let errors = loopMetrics.reduce(ProgressCounters()) { $0 + $1.progressCounters }.connectErrors
                if errors >= min(users.count, Self.attemptsBeforeGivingUp) {
                    throw Self.unusableTarget(context: context, loopMetrics: loopMetrics)
                }
            }
            if stop?.isStopped == true { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Failed connection attempts, with no user ever connected, after which a target counts as unusable.
    static let attemptsBeforeGivingUp = 5

    /// Why the target is unusable, from the causes of the failed attempts: `every upgrade refused: HTTP 404 Not
    /// Found from ws://…/nowhere`, or `no connection could be made: Connection refused (ws://…)`.
    private static func unusableTarget(context: LoadRunContext, loopMetrics: [LoopMetrics]) -> LoadRunError {
        var failures = FailureCauses()
        for loop in loopMetrics { failures.merge(loop.totals.failures) }
        let causes = FailureCauses.sorted(failures.connect)
        let url = context.targetURLs.map(\.description).joined(separator: ", ")
        let attempts = causes.reduce(0) { $0 + $1.tally.count }
        let listed = causes.prefix(3).map { $0.cause }.joined(separator: "; ")
        if !causes.isEmpty, causes.allSatisfy({ FailureCauseText.isRefusedUpgrade($0.cause) }) {
            return .targetUnusable(url: url, reason: "every upgrade refused: \(listed) from \(url) (\(attempts) attempts)")
        }
        return .targetUnusable(url: url, reason: "no connection could be made: \(listed) (\(url), \(attempts) attempts)")
    }


    /// Waits `seconds`, or until a stop.
    static func sleep(seconds: Double, stop: LoadRunStop?) async {
        guard let stop else {
            try? await Task.sleep(for: .seconds(seconds))
            return
        }
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !stop.isStopped {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return }
            try? await Task.sleep(for: min(left, .milliseconds(20)))
        }
    }

    /// Plays an open-model phase: each arrival goes to its user's loop at its planned time.
    static func dispatch(
        _ schedule: ArrivalSchedule, _ arrivals: Arrivals, users: [SimulatedUser], plan: LoadPlan,
        group: EventLoopGroup, stop: LoadRunStop?
    ) async {
        var usersByIndex: [Int: SimulatedUser] = [:]
        for user in users { usersByIndex[user.planned.index] = user }
        let local = usersByIndex
        let dispatcher = ArrivalDispatcher(
            schedule: schedule, arrivals: arrivals, users: local, start: LoadRunContext.now(), eventLoop: group.next(),
            stop: stop)
        await dispatcher.run()
    }

    /// Starts every user's script and waits until all are done, or `maxSeconds` from the start of the phase.
    /// A stop ends the phase: the scripts stop where they are.
    static func runScripts(
        _ users: [SimulatedUser], plan: LoadPlan, context: LoadRunContext, maxSeconds: Double, stop: LoadRunStop? = nil
    ) async {
        let deadline = ContinuousClock.now + .seconds(maxSeconds)
        // Wait until every script has started before watching the count of running scripts: a loop still busy
        // with the ramp-up (presence frames of a large room, a slow sanitizer build) starts them late, and a
        // count read before then is 0 and would end the phase before any script ran.
        let started = users.map { user in
            let steps = plan.scenario.groups[user.planned.groupIndex].script
            return user.eventLoop.submit { user.startScript(steps: steps) }
        }
        for start in started { try? await start.get() }
        while ContinuousClock.now < deadline && context.scriptsRunning.load(ordering: .relaxed) > 0
            && stop?.isStopped != true
        {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for user in users { user.eventLoop.execute { user.stopScript() } }
    }

    /// Closes every user's connection with a close handshake, so the server sees users leave rather than
    /// connections reset, and waits until they are closed: at most `limit` (the close timeout), as a server
    /// that does not answer the close must not hold the report up (the event loops' shutdown drops the rest).
    static func closeConnections(_ users: [SimulatedUser], limit: TimeAmount) async {
        let closes = users.map { user in user.eventLoop.flatSubmit { user.closeForShutdown() } }
        guard let loop = users.first?.eventLoop else { return }
        let done = loop.makePromise(of: Void.self)
        let deadline = loop.scheduleTask(in: limit) { done.succeed() }
        EventLoopFuture.andAllComplete(closes, on: loop).whenComplete { _ in
            deadline.cancel()
            done.succeed()
        }
        try? await done.futureResult.get()
    }
}
