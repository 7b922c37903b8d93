import ChatKitWebSocket
import NIOCore

/// Timeouts and reconnection policy of a ``RedisClient``, each with its default.
public struct RedisClientConfiguration: Sendable {
    /// How long one TCP connection attempt may take. Default 2 s.
    public var connectTimeout: TimeAmount
    /// How long any reply may take before its connection is closed and rebuilt. Default 5 s.
    public var commandTimeout: TimeAmount
    /// Delay before the first reconnection attempt; it doubles after each failed attempt. Default 100 ms.
    public var initialBackoff: TimeAmount
    /// Upper bound of the reconnection delay. Default 2 s: with the node TTL of 5 s a node is back well before
    /// the others would consider it dead.
    public var maxBackoff: TimeAmount
    /// How often a connected client checks its connections with `PING` (a Redis that stopped answering is
    /// noticed within this plus the command timeout). Default 1 s.
    public var keepaliveInterval: TimeAmount

    /// Creates a configuration; every argument has the documented default.
    public init(
        connectTimeout: TimeAmount = .seconds(2), commandTimeout: TimeAmount = .seconds(5),
        initialBackoff: TimeAmount = .milliseconds(100), maxBackoff: TimeAmount = .seconds(2),
        keepaliveInterval: TimeAmount = .seconds(1)
    ) {
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.keepaliveInterval = keepaliveInterval
    }

    /// The delay before reconnection attempt `attempt` (from 0): `min(maxBackoff, initialBackoff × 2^attempt)`.
    public func backoff(attempt: Int) -> TimeAmount {
        let factor = Int64(1) << Int64(min(max(0, attempt), 20))
        let (delay, overflow) = self.initialBackoff.nanoseconds.multipliedReportingOverflow(by: factor)
        return overflow ? self.maxBackoff : .nanoseconds(min(delay, self.maxBackoff.nanoseconds))
    }
}
