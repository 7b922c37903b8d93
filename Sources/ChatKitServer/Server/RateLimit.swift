/// A rate limit as configured: `perSecond` on average, bursts of up to `burst` above it (a token bucket that
/// starts full). Used for the join and handshake limits of ``ServerConfiguration``.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// Events allowed per second, on average. Positive.
    public var perSecond: Double
    /// Events allowed at once, above the average. At least 1.
    public var burst: Int

    /// A limit of `perSecond` a second on average with bursts of `burst`.
    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// `20/s (burst 200)`, as error messages name the limit.
    public var description: String {
        let rate = self.perSecond.rounded() == self.perSecond ? "\(Int(self.perSecond))" : "\(self.perSecond)"
        return "\(rate)/s (burst \(self.burst))"
    }
}
