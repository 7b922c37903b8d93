import Foundation

/// How a ``ChatClient`` retries after losing its connection: exponential backoff with optional jitter.
public struct ReconnectPolicy: Sendable, Equatable {
    /// The wait before the first attempt. Default 250 ms.
    public var initialDelay: Duration
    /// Each further wait is the previous one times this (at least 1). Default 2.
    public var factor: Double
    /// No wait is longer than this. Default 30 s.
    public var maxDelay: Duration
    /// Attempts before giving up; `nil` retries forever, 0 never reconnects. Default 10.
    public var maxAttempts: Int?
    /// A fraction from 0 to 1: each wait is shortened by up to this share, at random, so that many clients a
    /// server dropped at once do not come back at once. Default 0 (no jitter: waits are exact).
    public var jitter: Double

    /// Creates a policy; every argument has the documented default.
    public init(
        initialDelay: Duration = .milliseconds(250), factor: Double = 2, maxDelay: Duration = .seconds(30),
        maxAttempts: Int? = 10, jitter: Double = 0
    ) {
        self.initialDelay = initialDelay
        self.factor = factor
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.jitter = jitter
    }

    /// The wait before attempt `attempt` (1 for the first), before jitter: `initialDelay × factor^(attempt−1)`,
    /// at most `maxDelay`.
    public func baseDelay(attempt: Int) -> Duration {
        let initial = Self.seconds(self.initialDelay)
        let cap = Self.seconds(self.maxDelay)
        let delay = max(0, initial) * pow(max(1, self.factor), Double(max(1, attempt) - 1))  // +inf when huge
        return .milliseconds(Int64((min(delay, max(0, cap)) * 1000).rounded()))
    }

    /// The wait before attempt `attempt`, with jitter drawn from `random` (a value from 0 to 1).
    public func delay(attempt: Int, random: Double) -> Duration {
        let base = Self.seconds(self.baseDelay(attempt: attempt))
        let share = min(1, max(0, self.jitter)) * min(1, max(0, random))
        return .milliseconds(Int64((base * (1 - share) * 1000).rounded()))
    }

    /// Whether attempt `attempt` (1 for the first) may be made.
    public func allows(attempt: Int) -> Bool {
        guard let maxAttempts = self.maxAttempts else { return true }
        return attempt <= maxAttempts
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
