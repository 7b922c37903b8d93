import NIOCore

/// A token bucket: `ratePerSecond` requests a second on average, bursts of up to `burst`.
/// Used from one event loop only (one bucket per connection), or under a lock (``ConnectionAdmission``'s buckets
/// per address).
package struct RateLimiter {
    private let ratePerSecond: Double
    private let burst: Double
    private var tokens: Double
    private var lastRefill: NIODeadline

    package init(ratePerSecond: Double, burst: Int, now: NIODeadline = .now()) {
        self.ratePerSecond = ratePerSecond
        self.burst = Double(max(1, burst))
        self.tokens = self.burst
        self.lastRefill = now
    }

    /// Takes one token; `false` when the bucket is empty.
    package mutating func allow(now: NIODeadline = .now()) -> Bool {
        let elapsedSeconds = Double((now - self.lastRefill).nanoseconds) / 1e9
        self.lastRefill = now
        self.tokens = min(self.burst, self.tokens + elapsedSeconds * self.ratePerSecond)
        guard self.tokens >= 1 else { return false }
        self.tokens -= 1
        return true
    }

    /// Whether the bucket would be full at `now`: forgetting it then loses nothing (a new one starts full).
    package func isFull(at now: NIODeadline) -> Bool {
        let elapsedSeconds = Double((now - self.lastRefill).nanoseconds) / 1e9
        return self.tokens + elapsedSeconds * self.ratePerSecond >= self.burst
    }
}
