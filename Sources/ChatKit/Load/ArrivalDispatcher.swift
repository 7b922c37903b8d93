import NIOCore

/// Hands each arrival of an open-model phase to its user's event loop at its planned time. It runs on one
/// event loop, waking at the next arrival's time; a late wake-up does not shift the plan: each send keeps
/// its planned timestamp, and its lag is counted by the user.
final class ArrivalDispatcher: @unchecked Sendable {
    private var schedule: ArrivalSchedule
    private let arrivals: Arrivals
    private let users: [Int: SimulatedUser]
    private let start: Int64
    private let eventLoop: EventLoop
    private var pending: PlannedArrival?
    private let done: EventLoopPromise<Void>

    init(schedule: ArrivalSchedule, arrivals: Arrivals, users: [Int: SimulatedUser], start: Int64, eventLoop: EventLoop) {
        self.schedule = schedule
        self.arrivals = arrivals
        self.users = users
        self.start = start
        self.eventLoop = eventLoop
        self.done = eventLoop.makePromise()
    }

    /// Dispatches every arrival, then waits until the end of the phase.
    func run() async {
        self.eventLoop.execute { self.tick() }
        try? await self.done.futureResult.get()
    }

    private func tick() {
        let now = LoadRunContext.now()
        while let arrival = self.pending ?? self.schedule.next() {
            self.pending = nil
            let due = self.start + Int64(arrival.offsetSeconds * 1e9)
            if due > now + 100_000 {
                self.pending = arrival
                self.eventLoop.scheduleTask(in: .nanoseconds(due - now)) { self.tick() }
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
            self.eventLoop.scheduleTask(in: .nanoseconds(end - now)) { self.done.succeed() }
        } else {
            self.done.succeed()
        }
    }
}
