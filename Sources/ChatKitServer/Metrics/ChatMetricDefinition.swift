import Prometheus

/// One metric `GET /metrics` exports: its name (Prometheus conventions: `chat_` prefix, base units, `_total` on
/// counters), its HELP text and, for histograms, its buckets. The static members are the whole catalogue;
/// docs/protocol.md lists the same metrics for people.
struct ChatMetricDefinition: Sendable {
    /// What kind of series the metric is, as its `# TYPE` line says.
    enum Kind: Sendable {
        case counter, gauge, histogram
    }

    let name: String
    let help: String
    let kind: Kind
    /// Upper bounds of a value histogram's buckets (`+Inf` is added by the registry).
    let valueBuckets: [Double]
    /// Upper bounds of a duration histogram's buckets, exported in seconds.
    let durationBuckets: [Duration]

    private init(
        _ metricName: String, unit: String, _ kind: Kind, help: String, valueBuckets: [Double] = [],
        durationBuckets: [Duration] = []
    ) {
        self.name = MetricNameDescriptor(namespace: "chat", metricName: metricName, unitName: unit, helpText: help).name
        self.help = help
        self.kind = kind
        self.valueBuckets = valueBuckets
        self.durationBuckets = durationBuckets
    }

    // MARK: Connections

    static let connections = Self(
        "connections", unit: "", .gauge, help: "Open WebSocket connections.")
    static let connectionsOpened = Self(
        "connections_opened", unit: "total", .counter, help: "WebSocket connections opened since the server started.")
    static let connectionsClosed = Self(
        "connections_closed", unit: "total", .counter, help: "WebSocket connections closed, by reason.")

    // MARK: Traffic

    static let messagesReceived = Self(
        "messages_received", unit: "total", .counter,
        help: "Messages received from clients, by request type (invalid: not a valid chat request).")
    static let messagesSent = Self(
        "messages_sent", unit: "total", .counter,
        help: "Frames queued to clients, one per delivered copy, by frame type.")
    static let receivedBytes = Self(
        "received_bytes", unit: "total", .counter, help: "Payload bytes of the messages received from clients.")
    static let sentBytes = Self(
        "sent_bytes", unit: "total", .counter,
        help: "Payload bytes of the frames queued to clients, counted once per copy.")

    // MARK: Fan-out

    static let fanoutMembers = Self(
        "fanout", unit: "members", .histogram,
        help: "Members a room message was addressed to, per message.",
        valueBuckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000])
    static let deliverySeconds = Self(
        "delivery", unit: "seconds", .histogram,
        help: "Sampled room messages: time from receipt to the write of the last member's copy.",
        durationBuckets: [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10),
        ])
    static let slowConsumersDropped = Self(
        "slow_consumers_dropped", unit: "total", .counter,
        help: "Connections closed with 1008 because their send queue was full.")

    // MARK: State and errors

    static let errors = Self(
        "errors", unit: "total", .counter, help: "Error frames sent to clients, by error code.")
    static let upgradesRefused = Self(
        "upgrades_refused", unit: "total", .counter,
        help: "WebSocket upgrades answered with an HTTP error instead of 101, by the refusal's error code.")
    static let rooms = Self(
        "rooms", unit: "", .gauge, help: "Rooms that exist (rooms with at least one member).")

    /// Every metric, in the order the documentation lists them.
    static let all: [ChatMetricDefinition] = [
        .connections, .connectionsOpened, .connectionsClosed, .messagesReceived, .messagesSent, .receivedBytes,
        .sentBytes, .fanoutMembers, .deliverySeconds, .slowConsumersDropped, .errors, .upgradesRefused, .rooms,
    ]
}
