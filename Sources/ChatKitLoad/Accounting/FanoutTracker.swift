import NIOConcurrencyHelpers

/// Fan-out spread: for each room message, the time from the first member's receipt to the last one's.
/// Receipts from every event loop meet here, in shards keyed by `seq` so loops rarely share a lock.
/// Entries are closed once they are older than the settle time, so memory follows the message rate, not
/// the length of the run.
final class FanoutTracker: Sendable {
    /// Only every Nth `seq` of a room is tracked: the spread is a property of the fan-out, not of one
    /// message, and a sample keeps this off the per-copy hot path.
    static let sampleEvery = 16

    private struct Entry {
        var firstNanoseconds: Int64
        var lastNanoseconds: Int64
    }

    private struct Key: Hashable {
        var room: String
        var seq: Int
    }

    private static let shardCount = 16
    private let shards: [NIOLockedValueBox<[Key: Entry]>]
    private let spread = NIOLockedValueBox(LatencyHistogram())
    /// How long after a message's first receipt its spread is considered final.
    private let settleNanoseconds: Int64

    init(settleNanoseconds: Int64 = 2_000_000_000) {
        self.shards = (0..<Self.shardCount).map { _ in NIOLockedValueBox([:]) }
        self.settleNanoseconds = settleNanoseconds
    }

    /// Records one member's receipt of `seq` in `room`.
    func record(room: String, seq: Int, atNanoseconds now: Int64) {
        let key = Key(room: room, seq: seq)
        self.shards[seq % Self.shardCount].withLockedValue { entries in
            if var entry = entries[key] {
                entry.lastNanoseconds = max(entry.lastNanoseconds, now)
                entries[key] = entry
            } else {
                entries[key] = Entry(firstNanoseconds: now, lastNanoseconds: now)
            }
        }
    }

    /// Closes entries older than the settle time (all of them with `everything`), recording their spread.
    func settle(nowNanoseconds now: Int64, everything: Bool = false) {
        var settled = LatencyHistogram()
        for shard in self.shards {
            shard.withLockedValue { entries in
                for (key, entry) in entries where everything || now - entry.firstNanoseconds >= self.settleNanoseconds {
                    settled.record(nanoseconds: max(1000, entry.lastNanoseconds - entry.firstNanoseconds))
                    entries[key] = nil
                }
            }
        }
        self.spread.withLockedValue { $0.merge(settled) }
    }

    /// The spreads recorded so far.
    var histogram: LatencyHistogram { self.spread.withLockedValue { $0 } }
}
