/// Why connections, connections already made, and sends failed during a run, counted by cause: what a
/// verdict line quotes (`38 of 50 users disconnected: close 1006 (no close frame) at 4.1 s`).
///
/// A cause is a short human text (`HTTP 404 Not Found: no such endpoint`, `Connection refused`,
/// `close 1008: slow consumer`, `not connected`); each keeps its count and when it was first seen.
public struct FailureCauses: Codable, Sendable, Equatable {
    /// One cause's tally.
    public struct Tally: Codable, Sendable, Equatable {
        public var count: Int
        /// Seconds into the run when this cause was first seen.
        public var firstSeconds: Double

        public init(count: Int, firstSeconds: Double) {
            self.count = count
            self.firstSeconds = firstSeconds
        }
    }

    /// Connection attempts that failed: a refused upgrade (HTTP status and the body's reason), a TCP error
    /// (refused, reset, unreachable), a timeout, a TLS failure.
    public var connect: [String: Tally] = [:]
    /// Connections lost during the run, not closed by chatctl: the close code and reason, or the TCP error.
    public var disconnect: [String: Tally] = [:]
    /// Sends that could not go out: not connected, no room joined, send queue full, no whisper target.
    public var send: [String: Tally] = [:]
    /// Churned users that did not come back, and rejoins with a gap (`recovered: false`); `nil` in reports of
    /// runs without churn.
    public var recovery: [String: Tally]?

    public init() {}

    /// Whether nothing failed.
    public var isEmpty: Bool {
        self.connect.isEmpty && self.disconnect.isEmpty && self.send.isEmpty && (self.recovery ?? [:]).isEmpty
    }

    /// Adds every tally of `other` (counts sum; the earliest first sighting stays).
    public mutating func merge(_ other: FailureCauses) {
        Self.merge(&self.connect, other.connect)
        Self.merge(&self.disconnect, other.disconnect)
        Self.merge(&self.send, other.send)
        if let recovery = other.recovery {
            var merged = self.recovery ?? [:]
            Self.merge(&merged, recovery)
            self.recovery = merged
        }
    }

    private static func merge(_ into: inout [String: Tally], _ other: [String: Tally]) {
        for (cause, tally) in other {
            if let existing = into[cause] {
                into[cause] = Tally(
                    count: existing.count + tally.count, firstSeconds: min(existing.firstSeconds, tally.firstSeconds))
            } else {
                into[cause] = tally
            }
        }
    }

    /// Counts one failure of `cause` at `seconds` into the run.
    static func add(_ cause: String, at seconds: Double, to tallies: inout [String: Tally]) {
        if let existing = tallies[cause] {
            tallies[cause] = Tally(count: existing.count + 1, firstSeconds: min(existing.firstSeconds, seconds))
        } else {
            tallies[cause] = Tally(count: 1, firstSeconds: seconds)
        }
    }

    /// Counts one recovery failure (a churned user that did not come back, a gap) of `cause` at `seconds`.
    mutating func addRecovery(_ cause: String, at seconds: Double) {
        var tallies = self.recovery ?? [:]
        Self.add(cause, at: seconds, to: &tallies)
        self.recovery = tallies
    }

    /// The causes of one kind, most frequent first (then alphabetically), as `cause (count) at N s` texts.
    static func describe(_ tallies: [String: Tally], limit: Int = 3) -> String {
        let sorted = Self.sorted(tallies)
        var parts = sorted.prefix(limit).map { cause, tally in
            tallies.count == 1
                ? "\(cause) at \(Self.seconds(tally.firstSeconds))"
                : "\(cause) (\(tally.count), first at \(Self.seconds(tally.firstSeconds)))"
        }
        if sorted.count > limit { parts.append("and \(sorted.count - limit) other causes") }
        return parts.joined(separator: "; ")
    }

    /// Tallies most frequent first, then by cause.
    public static func sorted(_ tallies: [String: Tally]) -> [(cause: String, tally: Tally)] {
        tallies.map { (cause: $0.key, tally: $0.value) }.sorted {
            $0.tally.count != $1.tally.count ? $0.tally.count > $1.tally.count : $0.cause < $1.cause
        }
    }

    static func seconds(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return "\(rounded) s"
    }
}
