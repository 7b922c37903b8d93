/// `chatctl bot --max-replies`: at most `limit` answers in any 60 seconds, so that a bot caught in a
/// conversation with another bot, or flooded with mentions, stays bounded.
struct BotReplyLimiter {
    let limit: Int
    let window: Duration = .seconds(60)
    private var sent: [ContinuousClock.Instant] = []
    private var lastRefusalLogged: ContinuousClock.Instant?

    init(limit: Int) { self.limit = limit }

    /// Whether an answer may go out now; when it may, it is counted.
    mutating func allow(now: ContinuousClock.Instant = .now) -> Bool {
        let window = self.window
        self.sent.removeAll { now - $0 >= window }
        guard self.sent.count < self.limit else { return false }
        self.sent.append(now)
        return true
    }

    /// Whether a refusal should be logged: the first one, then at most one per window.
    mutating func shouldLogRefusal(now: ContinuousClock.Instant = .now) -> Bool {
        if let last = self.lastRefusalLogged, now - last < self.window { return false }
        self.lastRefusalLogged = now
        return true
    }
}
