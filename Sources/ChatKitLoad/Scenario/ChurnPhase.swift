/// A `churn` phase: users are disconnected on purpose at a planned rate while the phase it runs alongside (the next
/// phase of the timeline) sends messages. Each churned user reconnects at once and, unless `recover` is off,
/// rejoins its rooms with `since` (the last `seq` it saw) and the room's `epoch`, so that the server replays what
/// it missed (docs/scenarios.md, "Churn and recovery").
public struct ChurnPhase: Sendable, Equatable {
    /// Disconnections per second, planned from the start of the phase it runs alongside.
    public var ratePerSecond: Double
    /// How each user is disconnected.
    public var mode: ChurnMode
    /// Churn for at most this long from the start of its phase; `nil`: as long as that phase lasts.
    public var seconds: Double?
    /// How long a churned user stays away before it reconnects (0: at once).
    public var awaySeconds: Double
    /// Only users of this group are churned; `nil`: any user.
    public var group: String?
    /// Whether churned users rejoin with `since` and `epoch` (recovery); `false` rejoins plainly, so everything
    /// sent while a user was away is lost.
    public var recover: Bool
    /// The index in ``Scenario/phases`` of the phase this churn runs alongside.
    public var alongside: Int

    public init(
        ratePerSecond: Double, mode: ChurnMode = .reset, seconds: Double? = nil, awaySeconds: Double = 0,
        group: String? = nil, recover: Bool = true, alongside: Int
    ) {
        self.awaySeconds = awaySeconds
        self.ratePerSecond = ratePerSecond
        self.mode = mode
        self.seconds = seconds
        self.group = group
        self.recover = recover
        self.alongside = alongside
    }
}

/// How a churn phase disconnects a user.
public enum ChurnMode: String, Sendable, Equatable, CaseIterable {
    /// An abrupt TCP reset from the client: `SO_LINGER` 0, then close (no close frame, the server sees a reset).
    case reset
    /// A clean WebSocket close (code 1000) from the client.
    case close
    /// The server kicks the user through its admin API (`DELETE /admin/users/NAME`; the server closes with 1008).
    case kick
}
