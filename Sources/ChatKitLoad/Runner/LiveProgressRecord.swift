/// One line of `chatctl run --live FILE`: the time-series point of the second that just ended (its fields at
/// the top level of the line, as in the report's `timeSeries`) plus where the run stands, so that a dashboard
/// tailing the file needs nothing else. Encoded as one line of JSON with sorted keys.
public struct LiveProgressRecord: Codable, Sendable, Equatable {
    /// The second that just ended, as the report will have it.
    public var point: LoadReport.TimeSeriesPoint
    /// Seconds since the start, unrounded (to the millisecond).
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
        self.point = progress.point
        self.elapsedSeconds = (progress.elapsedSeconds * 1000).rounded() / 1000
        self.plannedSeconds = progress.plannedSeconds
        self.phase = progress.phase
        self.usersTotal = progress.usersTotal
        self.broadcastP99SoFar = progress.broadcastP99SoFar
        self.errorsSoFar = progress.errors
    }

    private enum CodingKeys: String, CodingKey {
        case elapsedSeconds, plannedSeconds, phase, usersTotal, broadcastP99SoFar, errorsSoFar
    }

    /// Reads a line: the point's fields and the run's, side by side in one object.
    public init(from decoder: any Decoder) throws {
        self.point = try LoadReport.TimeSeriesPoint(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.elapsedSeconds = try container.decode(Double.self, forKey: .elapsedSeconds)
        self.plannedSeconds = try container.decode(Double.self, forKey: .plannedSeconds)
        self.phase = try container.decode(String.self, forKey: .phase)
        self.usersTotal = try container.decode(Int.self, forKey: .usersTotal)
        self.broadcastP99SoFar = try container.decode(Double.self, forKey: .broadcastP99SoFar)
        self.errorsSoFar = try container.decode(Int.self, forKey: .errorsSoFar)
    }

    /// Writes the point's fields and the run's into one object.
    public func encode(to encoder: any Encoder) throws {
        try self.point.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.elapsedSeconds, forKey: .elapsedSeconds)
        try container.encode(self.plannedSeconds, forKey: .plannedSeconds)
        try container.encode(self.phase, forKey: .phase)
        try container.encode(self.usersTotal, forKey: .usersTotal)
        try container.encode(self.broadcastP99SoFar, forKey: .broadcastP99SoFar)
        try container.encode(self.errorsSoFar, forKey: .errorsSoFar)
    }
}
