import NIOConcurrencyHelpers
import NIOCore

/// Batches outbox drains per event loop: however many connections of a loop got something to write since
/// the last pass, the loop runs one task that drains them all, instead of one task per connection. A fan-out
/// to a thousand members thus costs one task submission per loop, not a thousand.
final class LoopDrainScheduler: @unchecked Sendable {
    private let lock = NIOLock()
    private var pending: [WebSocketOutbox] = []
    private var spare: [WebSocketOutbox] = []
    private var passScheduled = false
    /// Held strongly: a weak reference would give the loop a side table, and every retain and release of the
    /// loop (NIO makes many per event) would take the runtime's slow path. The registry holds schedulers weakly
    /// instead, so a loop lives as long as a connection of it does.
    private let eventLoop: EventLoop

    private init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Asks for `outbox` to be drained in the loop's next pass.
    func schedule(_ outbox: WebSocketOutbox) {
        let startPass: Bool = self.lock.withLock {
            self.pending.append(outbox)
            if self.passScheduled { return false }
            self.passScheduled = true
            return true
        }
        guard startPass else { return }
        self.eventLoop.execute { self.runPass() }
    }

    private func runPass() {
        var batch: [WebSocketOutbox] = self.lock.withLock {
            self.passScheduled = false
            let batch = self.pending
            self.pending = self.spare  // empty, with the capacity of an earlier pass
            self.spare = []
            return batch
        }
        for outbox in batch { outbox.runDrain() }
        // Keep the array's storage for a later pass: no allocation per pass once warmed up.
        batch.removeAll(keepingCapacity: true)
        self.lock.withLock {
            if batch.capacity > self.spare.capacity { self.spare = batch }
        }
    }

    private struct WeakScheduler {
        weak var scheduler: LoopDrainScheduler?
    }

    private static let registry = NIOLockedValueBox<[ObjectIdentifier: WeakScheduler]>([:])

    /// The scheduler of `eventLoop` (one per loop while any outbox of that loop uses it, made on first use).
    static func of(_ eventLoop: EventLoop) -> LoopDrainScheduler {
        let key = ObjectIdentifier(eventLoop)
        return Self.registry.withLockedValue { schedulers in
            // A live scheduler holds its loop, so no other loop can have this identifier meanwhile.
            if let existing = schedulers[key]?.scheduler { return existing }
            schedulers = schedulers.filter { $0.value.scheduler != nil }
            let scheduler = LoopDrainScheduler(eventLoop: eventLoop)
            schedulers[key] = WeakScheduler(scheduler: scheduler)
            return scheduler
        }
    }
}
