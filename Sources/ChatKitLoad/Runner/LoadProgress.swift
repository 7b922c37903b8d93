/// A once-a-second view of a running load test.
public struct LoadProgress: Sendable {
    public var elapsedSeconds: Double
    /// Planned length of the run (scripts without a duration are not counted).
    public var plannedSeconds: Double
    public var phase: String
    public var usersConnected: Int
    public var usersTotal: Int
    public var messagesOutPerSecond: Int
    public var messagesInPerSecond: Int
    /// p99 of broadcast latency so far, in seconds.
    public var broadcastP99SoFar: Double
    /// Errors so far (error codes plus failed connection attempts).
    public var errors: Int
    /// The time-series point of the second that just ended, as the report will have it.
    public var point: LoadReport.TimeSeriesPoint
}
