/// One membership of a user in a room of a protocol without a seq of its own (the adapters' protocols), counted
/// from the markers chatctl puts in each text.
///
/// chatctl numbers the sends to each room itself (``RoomSendCounters``): a membership expects every send numbered
/// after the one current when it started, up to the one current when it ended (or the room's last). Loss,
/// duplication and order are tracked per sender (each sender numbers its own sends to a room), since two senders'
/// messages may reach the server in either order.
struct MarkerMembership: Sendable {
    var room: String
    /// The room's send number when the membership started (its join was acknowledged, or sent when the protocol
    /// has no acks).
    var startAfter: Int
    /// The room's send number when the membership ended: left, or came back after losing the connection. `nil`
    /// while open, and after a lost connection until the user is in the room again (messages missed while away
    /// count as lost).
    var through: Int?
    /// Whether the connection was lost in this membership.
    var disconnected = false
    /// Per sender, that sender's numbers of its sends to this room.
    var senders: [Int: SequenceTracker] = [:]
    /// Distinct copies received.
    var received = 0
    /// Whether the protocol announces joins, so presence is counted (joins only: see ``DeliveryTotals``).
    var countsPresence = false
    /// When the join was sent and acknowledged (equal without acks), and when the membership ended (monotonic ns).
    var joinRequestedNanoseconds: Int64 = 0
    var joinAckNanoseconds: Int64 = 0
    var endNanoseconds: Int64?
    /// Presence announcements of other users' joins received during this membership.
    var presenceObserved = 0

    init(room: String, startAfter: Int) {
        self.room = room
        self.startAfter = startAfter
    }

    /// Records a copy of the send numbered `roomNumber` in the room (`senderNumber` by its sender); `true` when it
    /// is one this membership expects and had not received.
    @discardableResult
    mutating func record(sender: Int, senderNumber: Int, roomNumber: Int) -> Bool {
        guard roomNumber > self.startAfter, self.through.map({ roomNumber <= $0 }) ?? true else { return false }
        guard self.senders[sender, default: SequenceTracker(startAfter: 0)].record(senderNumber) else { return false }
        self.received += 1
        return true
    }

    /// Copies expected when the room's last send number is `lastNumber`.
    func expected(lastNumber: Int) -> Int { max(0, (self.through ?? lastNumber) - self.startAfter) }

    var duplicated: Int { self.senders.values.reduce(0) { $0 + $1.duplicated } }
    var outOfOrder: Int { self.senders.values.reduce(0) { $0 + $1.outOfOrder } }
}

extension DeliveryTotals {
    /// Adds marker-counted memberships, each closed at its room's last send number (`lastNumbers`).
    mutating func add(_ memberships: [MarkerMembership], lastNumbers: [String: Int]) {
        for membership in memberships {
            let expected = membership.expected(lastNumber: lastNumbers[membership.room] ?? 0)
            self.expected += expected
            self.received += membership.received
            self.lost += max(0, expected - membership.received)
            self.duplicated += membership.duplicated
            self.outOfOrder += membership.outOfOrder
        }
    }
}
