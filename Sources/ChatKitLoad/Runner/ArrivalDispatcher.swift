import NIOCore

/// Hands each arrival of an open-model phase to its user's event loop at its planned time. It runs on one
/// event loop, waking at the next arrival's time; a late wake-up does not shift the plan: each send keeps
/// its planned timestamp, and its lag is counted by the user. A ``LoadRunStop`` ends the phase within 20 ms:
/// no arrival is handed out after it.
final class ArrivalDispatcher: @unchecked Sendable {
    private var schedule: ArrivalSchedule
    private let arrivals: Arrivals
    private let users: [Int: SimulatedUser]
    private let start: Int64
    private let eventLoop: EventLoop
    private var pending: PlannedArrival?
    private let done: EventLoopPromise<Void>
    private let stop: LoadRunStop?
    private var finished = false
    private var wakeUp: Scheduled<Void>?
    private var stopWatch: RepeatedTask?

    init(
        schedule: ArrivalSchedule, arrivals: Arrivals, users: [Int: SimulatedUser], start: Int64, eventLoop: EventLoop,
        stop: LoadRunStop? = nil
    ) {
        self.schedule = schedule
        self.arrivals = arrivals
        self.users = users
        self.start = start
        self.eventLoop = eventLoop
        self.done = eventLoop.makePromise()
        self.stop = stop
    }

    /// Dispatches every arrival, then waits until the end of the phase.
    func run() async {
        self.eventLoop.execute {
            if let stop = self.stop {
                self.stopWatch = self.eventLoop.scheduleRepeatedTask(
                    initialDelay: .milliseconds(20), delay: .milliseconds(20)
                ) { _ in
                    if stop.isStopped { self.finish() }
                }
            }
            self.tick()
        }
        try? await self.done.futureResult.get()
    }

    /// Ends the phase (on the event loop): no more ticks.
    private func finish() {
        guard !self.finished else { return }
        self.finished = true
        self.wakeUp?.cancel()
        self.stopWatch?.cancel()
        self.done.succeed()
    }

    private func tick() {
        guard !self.finished else { return }
        if self.stop?.isStopped == true { return self.finish() }
        let now = LoadRunContext.now()
        while let arrival = self.pending ?? self.schedule.next() {
            self.pending = nil
            let due = self.start + Int64(arrival.offsetSeconds * 1e9)
            if due > now + 100_000 {
                self.pending = arrival
                self.wakeUp = self.eventLoop.scheduleTask(in: .nanoseconds(due - now)) { self.tick() }
                return
            }
            // Users of other shards are not ours to drive.
            guard let user = self.users[arrival.userIndex] else { continue }
            let action = self.arrivals.action
            let content = self.arrivals.content
            user.eventLoop.execute {
                user.perform(arrival, action: action, content: content, scheduledNanoseconds: due)
            }
        }
        let end = self.start + Int64(self.arrivals.seconds * 1e9)
        if end > now {
            self.wakeUp = self.eventLoop.scheduleTask(in: .nanoseconds(end - now)) { self.finish() }
        } else {
            self.finish()
        }
    }
}
