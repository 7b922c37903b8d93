import Atomics
import ChatKitChat
import ChatKitWebSocket
import NIOConcurrencyHelpers

/// Counters of a running server, safe to bump from any event loop; read by `/healthz` and `/admin/stats`.
///
/// Each event is reported once, through a method here, which bumps both these counters and their
/// Prometheus counterparts in ``metrics`` (`/metrics`), so the two views can never disagree.
public final class ServerStats: Sendable {
    let connectionsCurrent = ManagedAtomic<Int>(0)
    let connectionsTotal = ManagedAtomic<Int>(0)
    let messagesIn = ManagedAtomic<Int>(0)
    let messagesOut = ManagedAtomic<Int>(0)
    let bytesIn = ManagedAtomic<Int>(0)
    let bytesOut = ManagedAtomic<Int>(0)
    let slowConsumersDropped = ManagedAtomic<Int>(0)
    private let errors = NIOLockedValueBox<[String: Int]>([:])
    private let upgradesRefused = NIOLockedValueBox<[String: Int]>([:])
    /// The same events as Prometheus metrics, in this server's own registry.
    public let metrics: ChatMetrics

    init(metrics: ChatMetrics = ChatMetrics()) {
        self.metrics = metrics
    }

    /// A WebSocket connection opened.
    func connectionOpened() {
        self.connectionsCurrent.wrappingIncrement(ordering: .relaxed)
        self.connectionsTotal.wrappingIncrement(ordering: .relaxed)
        self.metrics.connectionOpened()
    }

    /// A WebSocket connection closed with `code` (the delegate's): its cause is the one this side recorded,
    /// or else the one the code stands for.
    func connectionClosed(_ connection: WebSocketConnection, code: UInt16) {
        self.connectionsCurrent.wrappingDecrement(ordering: .relaxed)
        self.metrics.connectionClosed(connection.closeCause ?? WebSocketCloseCause(closeCode: code))
    }

    /// A message of `bytes` payload bytes arrived from a client.
    func received(_ kind: InboundMessageKind, bytes: Int) {
        self.messagesIn.wrappingIncrement(ordering: .relaxed)
        self.bytesIn.wrappingIncrement(by: bytes, ordering: .relaxed)
        self.metrics.received(kind, bytes: bytes)
    }

    /// `copies` copies of one frame of `bytesEach` payload bytes were queued to clients: one call per fan-out,
    /// never per copy.
    package func queued(_ kind: OutboundMessageKind, copies: Int, bytesEach: Int) {
        guard copies > 0 else { return }
        self.messagesOut.wrappingIncrement(by: copies, ordering: .relaxed)
        self.bytesOut.wrappingIncrement(by: copies * bytesEach, ordering: .relaxed)
        self.metrics.queued(kind, copies: copies, bytesEach: bytesEach)
    }

    /// An `error` frame with `code` was sent.
    func countError(_ code: ChatErrorCode) {
        self.errors.withLockedValue { $0[code.rawValue, default: 0] += 1 }
        self.metrics.errorSent(code)
    }

    /// A WebSocket upgrade was answered with an HTTP error (its JSON `error` code) instead of 101.
    func upgradeRefused(code: String) {
        self.upgradesRefused.withLockedValue { $0[code, default: 0] += 1 }
        self.metrics.upgradeRefused(code)
    }

    /// A connection was closed with 1008 because its send queue was full.
    package func slowConsumerDropped() {
        self.slowConsumersDropped.wrappingIncrement(ordering: .relaxed)
        self.metrics.slowConsumerDropped()
    }

    /// A consistent-enough copy of every counter.
    public var snapshot: Snapshot {
        Snapshot(
            connectionsCurrent: self.connectionsCurrent.load(ordering: .relaxed),
            connectionsTotal: self.connectionsTotal.load(ordering: .relaxed),
            messagesIn: self.messagesIn.load(ordering: .relaxed),
            messagesOut: self.messagesOut.load(ordering: .relaxed),
            bytesIn: self.bytesIn.load(ordering: .relaxed),
            bytesOut: self.bytesOut.load(ordering: .relaxed),
            slowConsumersDropped: self.slowConsumersDropped.load(ordering: .relaxed),
            errors: self.errors.withLockedValue { $0 },
            upgradesRefused: self.upgradesRefused.withLockedValue { $0 }
        )
    }

    /// The counters as `/admin/stats` returns them.
    public struct Snapshot: Codable, Sendable, Equatable {
        public var connectionsCurrent: Int
        public var connectionsTotal: Int
        /// Chat frames received from clients.
        public var messagesIn: Int
        /// Chat frames queued to clients (one per delivered copy).
        public var messagesOut: Int
        public var bytesIn: Int
        public var bytesOut: Int
        /// Connections closed with 1008 because their send queue overflowed.
        public var slowConsumersDropped: Int
        /// `error` frames sent, by code.
        public var errors: [String: Int]
        /// WebSocket upgrades refused before the 101, by the refusal's error code (`invalid_name`,
        /// `too_many_connections`, …); `nil` from servers older than this field.
        public var upgradesRefused: [String: Int]? = nil
    }
}
