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
    private weak var eventLoop: EventLoop?

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
        if let eventLoop = self.eventLoop {
            eventLoop.execute { self.runPass() }
        }
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

    private static let registry = NIOLockedValueBox<[ObjectIdentifier: LoopDrainScheduler]>([:])

    /// The scheduler of `eventLoop` (one per loop, made on first use).
    static func of(_ eventLoop: EventLoop) -> LoopDrainScheduler {
        let key = ObjectIdentifier(eventLoop)
        return Self.registry.withLockedValue { schedulers in
            if let existing = schedulers[key], existing.eventLoop === eventLoop { return existing }
            // A loop that went away may have left its identifier to a new one: replace, and forget the dead.
            schedulers = schedulers.filter { $0.value.eventLoop != nil }
            let scheduler = LoopDrainScheduler(eventLoop: eventLoop)
            schedulers[key] = scheduler
            return scheduler
        }
    }
}
