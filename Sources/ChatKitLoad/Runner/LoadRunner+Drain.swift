import NIOCore

// The drain: after the last phase, waits for the copies still in flight before anything counts as lost.
extension LoadRunner {
    /// Waits for the copies still in flight, at most `maxSeconds`. It ends once every send has been answered
    /// (its echo, or an error), every whisper sent has been delivered, and no member of a room is missing a
    /// seq up to the room's last (nor a raw user a copy): then the accounting would count nothing as lost.
    /// Copies that never come keep it waiting to `maxSeconds`, so a starved machine or a slow server is given
    /// the whole drain before a copy is called lost. A shard cannot see the other shards' sends, so sharded runs
    /// also wait until nothing has arrived for 300 ms (whispers are only sent to a shard's own users).
    ///
    /// After a stop it waits at most ``LoadRunStop/drainLimitSeconds`` from the stop, and a second stop ends it.
    /// Returns the copies still missing for members still connected when it ended: 0 unless it gave up.
    @discardableResult
    static func drain(
        _ users: [SimulatedUser], _ loopMetrics: [LoopMetrics], sharded: Bool, maxSeconds: Double,
        stop: LoadRunStop? = nil
    ) async -> Int {
        var deadline = ContinuousClock.now + .seconds(maxSeconds)
        var usersByLoop: [ObjectIdentifier: (loop: EventLoop, users: [SimulatedUser])] = [:]
        for user in users { usersByLoop[ObjectIdentifier(user.eventLoop), default: (user.eventLoop, [])].users.append(user) }
        var lastIn = -1
        var quietSince = ContinuousClock.now
        while ContinuousClock.now < deadline {
            if let stop, let first = stop.first {
                if stop.isUrgent { return await Self.copiesOutstanding(usersByLoop) }
                deadline = min(deadline, first.at + .seconds(LoadRunStop.drainLimitSeconds))
            }
            let counters = loopMetrics.reduce(ProgressCounters()) { $0 + $1.progressCounters }
            if counters.messagesIn != lastIn {
                lastIn = counters.messagesIn
                quietSince = ContinuousClock.now
            }
            let answered = counters.answers >= counters.sends && counters.whispersDelivered >= counters.whispersSent
            if answered && (!sharded || ContinuousClock.now - quietSince >= .milliseconds(300)) {
                if await Self.copiesOutstanding(usersByLoop) == 0 { return 0 }
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return await Self.copiesOutstanding(usersByLoop)
    }

    /// ``DeliveryProgress/copiesOutstanding(_:)`` over every user, each loop asked once.
    private static func copiesOutstanding(
        _ usersByLoop: [ObjectIdentifier: (loop: EventLoop, users: [SimulatedUser])]
    ) async -> Int {
        var progress: [DeliveryProgress] = []
        for (loop, loopUsers) in usersByLoop.values {
            if let taken = try? await loop.submit({ loopUsers.map { $0.deliveryProgress() } }).get() {
                progress += taken
            }
        }
        return DeliveryProgress.copiesOutstanding(progress)
    }
}
