/// What the drain learns from one simulated user, taken on the user's event loop: enough to tell whether every
/// copy the run's accounting will expect of it has arrived (``DeliveryTotals/compute(_:rawSendCount:)`` counts
/// the same way).
struct DeliveryProgress: Sendable {
    /// Memberships that can still receive: the user is in the room now.
    var open: [MembershipRecord] = []
    /// The highest seq each room's ended memberships saw (left, or lost with the connection): they raise the
    /// room's last seq as the accounting sees it, but nothing more is expected of them.
    var endedHighest: [String: Int] = [:]
    /// Raw mode: copies of sends made since the user became ready that it has not received; 0 when it is not
    /// connected, since it cannot receive them any more (they count as lost).
    var rawMissing = 0

    /// Copies the accounting would count as lost if measurement stopped now: for each open membership, the seqs
    /// from its join up to the room's last seq (the highest any member saw) that it has not received, plus the
    /// raw copies missing.
    static func copiesOutstanding(_ users: [DeliveryProgress]) -> Int {
        var lastSeq: [String: Int] = [:]
        for user in users {
            for membership in user.open {
                lastSeq[membership.room] = max(lastSeq[membership.room] ?? 0, membership.tracker.highestSeen)
            }
            for (room, highest) in user.endedHighest { lastSeq[room] = max(lastSeq[room] ?? 0, highest) }
        }
        var outstanding = 0
        for user in users {
            outstanding += user.rawMissing
            for membership in user.open {
                let expected = membership.tracker.expected(through: lastSeq[membership.room] ?? 0)
                outstanding += max(0, expected - membership.tracker.received)
            }
        }
        return outstanding
    }
}
