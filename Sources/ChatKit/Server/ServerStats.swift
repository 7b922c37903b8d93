import Atomics
import NIOConcurrencyHelpers

/// Counters of a running server, safe to bump from any event loop; read by `/healthz` and `/admin/stats`.
public final class ServerStats: Sendable {
    let connectionsCurrent = ManagedAtomic<Int>(0)
    let connectionsTotal = ManagedAtomic<Int>(0)
    let messagesIn = ManagedAtomic<Int>(0)
    let messagesOut = ManagedAtomic<Int>(0)
    let bytesIn = ManagedAtomic<Int>(0)
    let bytesOut = ManagedAtomic<Int>(0)
    let slowConsumersDropped = ManagedAtomic<Int>(0)
    private let errors = NIOLockedValueBox<[String: Int]>([:])

    init() {}

    func countError(_ code: ChatErrorCode) {
        self.errors.withLockedValue { $0[code.rawValue, default: 0] += 1 }
    }

    func countOut(copies: Int, bytesEach: Int) {
        self.messagesOut.wrappingIncrement(by: copies, ordering: .relaxed)
        self.bytesOut.wrappingIncrement(by: copies * bytesEach, ordering: .relaxed)
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
            errors: self.errors.withLockedValue { $0 }
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
    }
}
