/// How one membership of a user in a room ended, which decides how many messages it should have received.
enum MembershipEnd: Sendable, Equatable {
    /// Still a member when measurement stopped: expected up to the room's last seq.
    case open
    /// Left on purpose: expected up to the `left` seq.
    case left(seq: Int)
    /// The connection was lost: expected up to the seq of the next join of the same room, or to the
    /// room's last seq if the user never came back. Messages missed while disconnected count as lost.
    case disconnected(rejoinSeq: Int?)
}

/// One membership of a user in a room: its delivery tracker, and when it began and ended (monotonic ns),
/// for presence accounting.
struct MembershipRecord: Sendable {
    var room: String
    var tracker: SequenceTracker
    var end: MembershipEnd
    var joinRequestedNanoseconds: Int64
    var joinAckNanoseconds: Int64
    /// When the user asked to leave or lost its connection; `nil` while open.
    var endRequestedNanoseconds: Int64?
    var endAckNanoseconds: Int64?
    /// Presence frames about other users received during this membership.
    var presenceObserved: Int = 0
}

/// Everything a user counted about deliveries, gathered once measurement stops.
struct UserAccounting: Sendable {
    var userIndex: Int
    var memberships: [MembershipRecord]
    /// Raw mode: per-sender trackers and the send counter when this user became ready.
    var rawTrackers: [Int: SequenceTracker]
    var rawReadyAtCounter: Int?
    /// Protocols through an adapter: memberships counted from chatctl's markers.
    var markerMemberships: [MarkerMembership] = []
    /// Whether the user was ever connected and in its rooms (the run checks count users that never were).
    var wasEverReady = false
    /// Whether the user lost a connection during the run (not closed by the runner).
    var lostConnection = false
}

extension UserAccounting {
    /// The last seq of each room: the highest any of these users' memberships saw.
    static func lastSeqByRoom(_ accounts: [UserAccounting]) -> [String: Int] {
        var lastSeq: [String: Int] = [:]
        for account in accounts {
            for membership in account.memberships {
                lastSeq[membership.room] = max(lastSeq[membership.room] ?? 0, membership.tracker.highestSeen)
            }
        }
        return lastSeq
    }
}

/// Delivery totals of a run, computed from every user's accounting.
public struct DeliveryTotals: Sendable, Equatable, Codable {
    /// Copies of room messages members should have received.
    public var expected = 0
    /// Distinct copies received.
    public var received = 0
    public var lost = 0
    public var duplicated = 0
    public var outOfOrder = 0
    public var presenceExpected = 0
    public var presenceObserved = 0
    public var presenceMissing = 0

    /// Adds up the accounting of every user.
    static func compute(
        _ accounts: [UserAccounting], rawSendCount: Int, roomSendCounts: [String: Int] = [:]
    ) -> DeliveryTotals {
        var totals = DeliveryTotals()
        let lastSeq = UserAccounting.lastSeqByRoom(accounts)
        for account in accounts {
            for membership in account.memberships {
                let through: Int
                switch membership.end {
                case .open, .disconnected(nil): through = lastSeq[membership.room] ?? 0
                case .left(let seq): through = seq
                case .disconnected(.some(let rejoinSeq)): through = rejoinSeq
                }
                let expected = membership.tracker.expected(through: through)
                totals.expected += expected
                totals.received += membership.tracker.received
                totals.lost += max(0, expected - membership.tracker.received)
                totals.duplicated += membership.tracker.duplicated
                totals.outOfOrder += membership.tracker.outOfOrder
            }
            if let readyAt = account.rawReadyAtCounter {
                let expected = max(0, rawSendCount - readyAt)
                let received = account.rawTrackers.values.reduce(0) { $0 + $1.received }
                totals.expected += expected
                totals.received += received
                totals.lost += max(0, expected - received)
                totals.duplicated += account.rawTrackers.values.reduce(0) { $0 + $1.duplicated }
                totals.outOfOrder += account.rawTrackers.values.reduce(0) { $0 + $1.outOfOrder }
            }
        }
        totals.add(accounts.flatMap(\.markerMemberships), lastNumbers: roomSendCounts)
        totals.computePresence(accounts)
        return totals
    }

    /// A member must see another user's join or leave when it happened entirely inside the member's own
    /// membership (requested after the member's join was acknowledged, acknowledged before the member asked
    /// to leave). Events that overlap a membership's edges are ambiguous and not expected.
    private mutating func computePresence(_ accounts: [UserAccounting]) {
        struct Interval {
            var user: Int
            var joinRequested: Int64
            var joinAck: Int64
            var endRequested: Int64?
            var endAck: Int64?
            /// Whether the protocol announces leaves (the adapters' protocols are counted for joins only).
            var leavesAnnounced = true
        }
        var byRoom: [String: [(Interval, Int)]] = [:]  // interval and presence observed
        for account in accounts {
            for membership in account.memberships {
                let interval = Interval(
                    user: account.userIndex, joinRequested: membership.joinRequestedNanoseconds,
                    joinAck: membership.joinAckNanoseconds, endRequested: membership.endRequestedNanoseconds,
                    endAck: membership.endAckNanoseconds)
                byRoom[membership.room, default: []].append((interval, membership.presenceObserved))
            }
            for membership in account.markerMemberships where membership.countsPresence {
                let interval = Interval(
                    user: account.userIndex, joinRequested: membership.joinRequestedNanoseconds,
                    joinAck: membership.joinAckNanoseconds, endRequested: membership.endNanoseconds,
                    endAck: membership.endNanoseconds, leavesAnnounced: false)
                byRoom[membership.room, default: []].append((interval, membership.presenceObserved))
            }
        }
        for (_, members) in byRoom {
            for (member, observed) in members {
                let memberEnd = member.endRequested ?? .max
                var expected = 0
                for (other, _) in members where other.user != member.user {
                    if other.joinRequested > member.joinAck && other.joinAck < memberEnd { expected += 1 }
                    if other.leavesAnnounced, let leaveRequested = other.endRequested, let leaveAck = other.endAck,
                        leaveRequested > member.joinAck && leaveAck < memberEnd
                    {
                        expected += 1
                    }
                }
                self.presenceExpected += expected
                self.presenceObserved += observed
                self.presenceMissing += max(0, expected - observed)
            }
        }
    }
}
