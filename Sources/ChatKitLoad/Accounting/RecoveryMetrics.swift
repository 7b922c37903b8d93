/// What churn phases and recovery measured (the `recovery.*` counters and latencies of a report). Why reconnects
/// failed and rejoins had gaps is in ``FailureCauses/recovery``.
public struct RecoveryMetrics: Sendable, Equatable {
    /// Planned disconnections made (a user was connected and ready when its turn came).
    public var churned = 0
    /// Planned disconnections skipped: the user picked was not ready (still reconnecting, or never connected).
    public var skipped = 0
    /// Churned users that were connected and in their rooms again.
    public var reconnects = 0
    /// Churned users that did not come back: the reconnect failed, or had not finished when the run ended.
    public var reconnectsFailed = 0
    /// Room joins made with `since` after a churn.
    public var rejoins = 0
    /// Copies received through recovery (a replayed `history` after a rejoin with `since`), counted as delivered.
    public var recovered = 0
    /// Rejoins the server answered with `recovered: false` (history too short, room re-created): what was
    /// missed before the history's first `seq` is lost.
    public var gaps = 0
    /// Sends planned while their user was away on a churn, held and made once it was back.
    public var heldSends = 0
    /// From the start of a churned user's reconnect (the churn, or the end of its `away` pause) to the user being
    /// ready again (connected and every room rejoined).
    public var reconnectTime = LatencyHistogram()
    /// Recovered copies, from their send's planned time to their arrival in the replayed history.
    public var recoveredLatency = LatencyHistogram()

    public init() {}

    /// Adds everything of `other`.
    public mutating func merge(_ other: RecoveryMetrics) {
        self.churned += other.churned
        self.skipped += other.skipped
        self.reconnects += other.reconnects
        self.reconnectsFailed += other.reconnectsFailed
        self.rejoins += other.rejoins
        self.recovered += other.recovered
        self.gaps += other.gaps
        self.heldSends += other.heldSends
        self.reconnectTime.merge(other.reconnectTime)
        self.recoveredLatency.merge(other.recoveredLatency)
    }
}
