import ChatKitChat
import ChatKitWebSocket
import CoreMetrics
import NIOCore
import Prometheus

/// One server's Prometheus metrics (`GET /metrics`): swift-metrics handles made against the server's own
/// registry, so several servers in one process never share a series.
///
/// ``ServerStats`` feeds the counters from the same events that feed `/admin/stats`; the two gauges
/// (`chat_connections`, `chat_rooms`) are read off the server when the exposition is rendered. Every label
/// value that can occur is created up front, so every series is exported from the start, at 0.
public final class ChatMetrics: Sendable {
    /// The registry `/metrics` renders. Embedding programs may register metrics of their own in it.
    public let registry: PrometheusCollectorRegistry
    /// Every `deliverySampleInterval`-th message of a room (by `seq`) is timed; 0 times none.
    let deliverySampleInterval: Int

    private let factory: ChatMetricsFactory
    private let connections: CoreMetrics.Gauge
    private let connectionsOpened: CoreMetrics.Counter
    private let connectionsClosed: [WebSocketCloseCause: CoreMetrics.Counter]
    /// By ``InboundMessageKind/rawValue``.
    private let messagesReceived: [CoreMetrics.Counter]
    /// By ``OutboundMessageKind/rawValue``.
    private let messagesSent: [CoreMetrics.Counter]
    private let receivedBytes: CoreMetrics.Counter
    private let sentBytes: CoreMetrics.Counter
    private let fanoutMembers: CoreMetrics.Recorder
    private let delivery: CoreMetrics.Timer
    private let slowConsumersDropped: CoreMetrics.Counter
    private let errors: [ChatErrorCode: CoreMetrics.Counter]
    private let rooms: CoreMetrics.Gauge

    /// The error codes a server can send, each exported from the start.
    static let knownErrorCodes: [ChatErrorCode] = [
        .badJSON, .unknownType, .missingField, .badField, .tooLong, .invalidRoom, .notInRoom, .alreadyInRoom,
        .unknownUser, .rateLimited, .tooManyRooms, .idTooLong, .roomLimitReached, .joinRateLimited,
    ]

    /// Metrics in a new registry of their own.
    init(deliverySampleInterval: Int = ServerConfiguration.defaultDeliverySampleInterval) {
        let registry = PrometheusCollectorRegistry()
        let factory = ChatMetricsFactory(registry: registry)
        typealias Name = ChatMetricDefinition
        self.registry = registry
        self.factory = factory
        self.deliverySampleInterval = max(0, deliverySampleInterval)
        self.connections = CoreMetrics.Gauge(label: Name.connections.name, factory: factory)
        self.connectionsOpened = CoreMetrics.Counter(label: Name.connectionsOpened.name, factory: factory)
        self.connectionsClosed = Dictionary(
            uniqueKeysWithValues: WebSocketCloseCause.all.map {
                let name = Name.connectionsClosed.name
                return ($0, CoreMetrics.Counter(label: name, dimensions: [("reason", $0.rawValue)], factory: factory))
            })
        self.messagesReceived = InboundMessageKind.allCases.map {
            CoreMetrics.Counter(label: Name.messagesReceived.name, dimensions: [("type", $0.label)], factory: factory)
        }
        self.messagesSent = OutboundMessageKind.allCases.map {
            CoreMetrics.Counter(label: Name.messagesSent.name, dimensions: [("type", $0.label)], factory: factory)
        }
        self.receivedBytes = CoreMetrics.Counter(label: Name.receivedBytes.name, factory: factory)
        self.sentBytes = CoreMetrics.Counter(label: Name.sentBytes.name, factory: factory)
        self.fanoutMembers = CoreMetrics.Recorder(label: Name.fanoutMembers.name, aggregate: true, factory: factory)
        self.delivery = CoreMetrics.Timer(label: Name.deliverySeconds.name, factory: factory)
        self.slowConsumersDropped = CoreMetrics.Counter(label: Name.slowConsumersDropped.name, factory: factory)
        self.errors = Dictionary(
            uniqueKeysWithValues: Self.knownErrorCodes.map {
                let dimensions = [("code", $0.rawValue)]
                return ($0, CoreMetrics.Counter(label: Name.errors.name, dimensions: dimensions, factory: factory))
            })
        self.rooms = CoreMetrics.Gauge(label: Name.rooms.name, factory: factory)
    }

    // MARK: Events (called by ServerStats and the hub)

    func connectionOpened() {
        self.connectionsOpened.increment()
    }

    func connectionClosed(_ cause: WebSocketCloseCause) {
        self.counter(cause).increment()
    }

    func received(_ kind: InboundMessageKind, bytes: Int) {
        self.messagesReceived[kind.rawValue].increment()
        self.receivedBytes.increment(by: bytes)
    }

    func queued(_ kind: OutboundMessageKind, copies: Int, bytesEach: Int) {
        self.messagesSent[kind.rawValue].increment(by: copies)
        self.sentBytes.increment(by: copies * bytesEach)
    }

    func slowConsumerDropped() {
        self.slowConsumersDropped.increment()
    }

    func errorSent(_ code: ChatErrorCode) {
        if let counter = self.errors[code] {
            counter.increment()
        } else {
            // A code added without updating `knownErrorCodes`: the registry returns the same series every time.
            let dimensions = [("code", code.rawValue)]
            CoreMetrics.Counter(label: ChatMetricDefinition.errors.name, dimensions: dimensions, factory: self.factory)
                .increment()
        }
    }

    /// A WebSocket upgrade was refused with the error `code` (the registry returns the same series each time).
    func upgradeRefused(_ code: String) {
        CoreMetrics.Counter(
            label: ChatMetricDefinition.upgradesRefused.name, dimensions: [("code", code)], factory: self.factory
        ).increment()
    }

    /// A room message is about to be queued on `members` members.
    func fannedOut(members: Int) {
        self.fanoutMembers.record(members)
    }

    /// A probe timing the delivery of the room message with sequence number `seq`, when that message is one of
    /// the sampled ones; `nil` otherwise (the common case, which costs nothing more).
    func deliveryProbe(seq: Int, receivedAt: NIODeadline, targets: Int) -> DeliveryProbe? {
        guard self.deliverySampleInterval > 0, seq % self.deliverySampleInterval == 0, targets > 0 else { return nil }
        return DeliveryProbe(receivedAt: receivedAt, targets: targets, histogram: self.delivery)
    }

    // MARK: Exposition

    /// The Prometheus text exposition (format 0.0.4), after setting the gauges to the values given.
    func exposition(connections: Int, rooms: Int) -> [UInt8] {
        self.connections.record(connections)
        self.rooms.record(rooms)
        var buffer: [UInt8] = []
        self.registry.emit(into: &buffer)
        return buffer
    }

    private func counter(_ cause: WebSocketCloseCause) -> CoreMetrics.Counter {
        self.connectionsClosed[cause]
            ?? Counter(
                label: ChatMetricDefinition.connectionsClosed.name, dimensions: [("reason", cause.rawValue)],
                factory: self.factory)
    }
}
