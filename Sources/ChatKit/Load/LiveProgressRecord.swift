/// One line of `chatctl run --live FILE`: the time-series point of the second that just ended (the fields
/// of ``LoadReport/TimeSeriesPoint``, as in the report) plus where the run stands, so that a dashboard
/// tailing the file needs nothing else. Encoded as one line of JSON with sorted keys.
public struct LiveProgressRecord: Codable, Sendable, Equatable {
    /// Seconds since the start, rounded: the point's `second`.
    public var second: Int
    public var usersConnected: Int
    public var messagesOut: Int
    public var messagesIn: Int
    public var bytesOut: Int
    public var bytesIn: Int
    /// Errors in this second.
    public var errors: Int
    /// p99 of this second's broadcast latency samples, in seconds (0 when none).
    public var broadcastP99: Double
    /// Seconds since the start, unrounded.
    public var elapsedSeconds: Double
    /// Planned length of the run (scripts without a duration not counted).
    public var plannedSeconds: Double
    /// `connect`, `rampUp`, `arrivals`, `script`, `hold` or `drain`.
    public var phase: String
    /// Users this process runs.
    public var usersTotal: Int
    /// p99 of every broadcast latency sample so far, in seconds.
    public var broadcastP99SoFar: Double
    /// Errors so far.
    public var errorsSoFar: Int

    public init(_ progress: LoadProgress) {
        let point = progress.point
        self.second = point.second
        self.usersConnected = point.usersConnected
        self.messagesOut = point.messagesOut
        self.messagesIn = point.messagesIn
        self.bytesOut = point.bytesOut
        self.bytesIn = point.bytesIn
        self.errors = point.errors
        self.broadcastP99 = point.broadcastP99
        self.elapsedSeconds = (progress.elapsedSeconds * 1000).rounded() / 1000
        self.plannedSeconds = progress.plannedSeconds
        self.phase = progress.phase
        self.usersTotal = progress.usersTotal
        self.broadcastP99SoFar = progress.broadcastP99SoFar
        self.errorsSoFar = progress.errors
    }
}
