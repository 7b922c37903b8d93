/// One latency histogram of a load report: its key in the report's `latency`, its row in the summary and on the
/// HTML page, and the metric family a threshold names (`latency.broadcast.p99`). Each name is written once, here.
public enum LoadLatency: String, CaseIterable, Codable, Sendable {
    /// Room-message copies received by a member other than their sender (raw: a payload from another user),
    /// from the planned send time.
    case broadcast
    /// The same copies as ``broadcast``, from the time the send actually went out.
    case broadcastFromSend
    /// Whispers, from the planned send time to the addressee's receipt.
    case whisper
    /// The same whispers, from the actual send time.
    case whisperFromSend
    /// Copies of a user's own message received back by that user, from the planned send time.
    case echo
    /// The same copies, from the actual send time.
    case echoFromSend
    /// Connection attempts that succeeded, from their start to the open WebSocket.
    case connect
    /// Room messages (chat only, every 16th `seq`): from the first member's receipt to the last one's.
    case fanoutSpread
    /// Churned users, from the start of their reconnect (the churn, or the end of its `away` pause) to being
    /// connected and in their rooms again.
    case recoveryReconnect
    /// Copies received through recovery (replayed after a rejoin with `since`), from their planned send time.
    case recovered

    /// The families in the order the threshold catalogue lists them.
    static let catalogueOrder: [LoadLatency] = [
        .broadcast, .whisper, .echo, .connect, .fanoutSpread, .broadcastFromSend, .whisperFromSend, .echoFromSend,
        .recoveryReconnect, .recovered,
    ]

    /// The metric family a threshold names, before its statistic: `latency.broadcast`,
    /// `latency.broadcast.fromSend`, `fanout.spread`.
    public var metricFamily: String {
        switch self {
        case .broadcast: return "latency.broadcast"
        case .broadcastFromSend: return "latency.broadcast.fromSend"
        case .whisper: return "latency.whisper"
        case .whisperFromSend: return "latency.whisper.fromSend"
        case .echo: return "latency.echo"
        case .echoFromSend: return "latency.echo.fromSend"
        case .connect: return "latency.connect"
        case .fanoutSpread: return "fanout.spread"
        case .recoveryReconnect: return "recovery.reconnect"
        case .recovered: return "recovery.latency"
        }
    }

    /// The latency whose metric family is `metricFamily`, if any.
    public init?(metricFamily: String) {
        guard let latency = Self.allCases.first(where: { $0.metricFamily == metricFamily }) else { return nil }
        self = latency
    }
}
