import Atomics
import ChatKitWebSocket
import CoreMetrics
import NIOCore

/// Times one sampled room message from its receipt to the moment the last member's drain wrote its copy, and
/// records that into `chat_delivery_seconds`.
///
/// The probe travels with each copy in the members' outboxes (``WebSocketOutboundItem/observedText(_:_:)``).
/// It counts the writes still outstanding: it starts at the number of targets plus one (the fan-out's own
/// hold, so that copies written on other event loops while the hub is still queueing cannot reach zero
/// early); each written copy takes one off, and the fan-out, once done, takes off its hold and the copies it
/// could not queue (full or closed outboxes). Whoever brings the count to zero reads the clock and records.
/// A copy that is never written (its connection closed first) leaves the count above zero: that sample is
/// simply not recorded.
package final class DeliveryProbe: WebSocketWriteObserver {
    private let receivedAt: NIODeadline
    private let targets: Int
    private let outstanding: ManagedAtomic<Int>
    private let histogram: CoreMetrics.Timer

    /// A probe for a message received at `receivedAt` and about to be queued on `targets` members.
    package init(receivedAt: NIODeadline, targets: Int, histogram: CoreMetrics.Timer) {
        self.receivedAt = receivedAt
        self.targets = targets
        self.outstanding = ManagedAtomic(targets + 1)
        self.histogram = histogram
    }

    /// The fan-out is done and queued `queuedCopies` of its `targets` copies: releases its hold and the copies
    /// that will never be written.
    package func fanOutFinished(queuedCopies: Int) {
        let released = self.targets - queuedCopies + 1
        if self.outstanding.wrappingDecrementThenLoad(by: released, ordering: .relaxed) == 0, queuedCopies > 0 {
            self.record()
        }
    }

    /// One member's drain wrote its copy.
    package func messageWritten() {
        if self.outstanding.wrappingDecrementThenLoad(ordering: .relaxed) == 0 {
            self.record()
        }
    }

    private func record() {
        self.histogram.recordNanoseconds((NIODeadline.now() - self.receivedAt).nanoseconds)
    }
}
