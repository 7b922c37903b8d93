/// Delivery accounting for one ordered stream (a member's view of a room's `seq`, or one sender's
/// counter in raw mode): what arrived, what is missing, duplicated or out of order.
struct SequenceTracker: Sendable, Equatable {
    /// The last sequence number before the first one expected (the `joined` seq).
    let startAfter: Int
    /// The next number expected in order.
    private(set) var nextExpected: Int
    private(set) var received = 0
    private(set) var duplicated = 0
    private(set) var outOfOrder = 0
    /// Numbers skipped over that may still arrive late. Capped: a gap larger than the cap is counted lost
    /// without being tracked.
    private var missing: Set<Int> = []
    private static let missingCap = 100_000

    init(startAfter: Int) {
        self.startAfter = startAfter
        self.nextExpected = startAfter + 1
    }

    /// Records an arrival; `true` when it is a copy not received before (it adds to `received`).
    @discardableResult
    mutating func record(_ sequence: Int) -> Bool {
        if sequence == self.nextExpected {
            self.received += 1
            self.nextExpected += 1
        } else if sequence > self.nextExpected {
            if self.missing.count + (sequence - self.nextExpected) <= Self.missingCap {
                for skipped in self.nextExpected..<sequence { self.missing.insert(skipped) }
            }
            self.received += 1
            self.nextExpected = sequence + 1
        } else if sequence <= self.startAfter {
            return false  // before our window (history, or sent before we joined)
        } else if self.missing.remove(sequence) != nil {
            self.received += 1
            self.outOfOrder += 1
        } else {
            self.duplicated += 1
            return false
        }
        return true
    }

    /// Copies expected up to and including `lastSequence`.
    func expected(through lastSequence: Int) -> Int { max(0, lastSequence - self.startAfter) }

    /// Highest number seen.
    var highestSeen: Int { self.nextExpected - 1 }
}
