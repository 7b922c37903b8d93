import NIOCore

/// What the hub tells whoever measures it. The hub knows nothing of counters or metrics: a server passes its
/// ``ServerStats``; an in-process hub may pass anything.
package protocol ChatHubObserver: Sendable {
    /// `copies` copies of one frame of `bytesEach` payload bytes were queued: one call per fan-out, never per copy.
    func queued(_ kind: OutboundMessageKind, copies: Int, bytesEach: Int)
    /// An `error` frame with `code` was sent.
    func errorSent(_ code: ChatErrorCode)
    /// A member was closed with 1008 because its queue was over its byte budget.
    func slowConsumerDropped()
    /// A room message numbered `seq` is about to be fanned out to `members` members; returns a probe when this
    /// message's delivery is to be timed from `receivedAt` (each copy tells it when it is written).
    func roomMessage(seq: Int, receivedAt: NIODeadline, members: Int) -> DeliveryProbe?
}
