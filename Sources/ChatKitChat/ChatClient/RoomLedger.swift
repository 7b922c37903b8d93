/// The rooms a ``ChatClient`` is in, each with the last `seq` it delivered and the room's epoch: what it needs to
/// join again with `since` and to never deliver a seq twice.
struct RoomLedger: Sendable {
    /// One room's record.
    struct Entry: Sendable {
        /// The last seq delivered (or acknowledged by `joined`); 0 before the first join completed.
        var lastSeq = 0
        /// The room's epoch from the last `joined`; `nil` until the first join completed.
        var epoch: String?
        /// The `joined` of the join in flight, kept until its `history` arrives.
        var pendingJoin: PendingJoin?
    }

    /// A `joined` whose `history` has not arrived yet.
    struct PendingJoin: Sendable {
        var isFirst: Bool
        var sinceSeq: Int
        var joinedSeq: Int
        var recovered: Bool
        var firstSeq: Int?
        var reset: String?
    }

    private(set) var rooms: [String: Entry] = [:]

    /// The `id` the client puts on its joins of `room`, to recognise their replies.
    static func joinID(_ room: String) -> String { "chatclient-join:\(room)" }

    /// Adds `room`; `false` when it is already there.
    mutating func add(_ room: String) -> Bool {
        guard self.rooms[room] == nil else { return false }
        self.rooms[room] = Entry()
        return true
    }

    mutating func remove(_ room: String) { self.rooms[room] = nil }

    /// The joins to send on a new connection: `since` is the last seq delivered (0 for a first join, which
    /// makes the server say the room's epoch), with the epoch known.
    func joinFrames() -> [ClientFrame] {
        self.rooms.keys.sorted().map { room in
            let entry = self.rooms[room] ?? Entry()
            return .join(room: room, id: Self.joinID(room), since: entry.lastSeq, epoch: entry.epoch)
        }
    }

    /// Records a `joined` reply to one of the client's joins; `true` when it is the room's first (the caller
    /// passes the frame on).
    mutating func joined(room: String, seq: Int, epoch: String?, recovered: Bool?, firstSeq: Int?) -> Bool {
        guard var entry = self.rooms[room] else { return false }
        let isFirst = entry.epoch == nil
        var reset: String?
        if !isFirst, let epoch, epoch != entry.epoch { reset = epoch }
        entry.pendingJoin = PendingJoin(
            isFirst: isFirst, sinceSeq: reset == nil ? entry.lastSeq : 0, joinedSeq: seq,
            recovered: recovered ?? true, firstSeq: firstSeq, reset: reset)
        entry.epoch = epoch ?? entry.epoch
        self.rooms[room] = entry
        return isFirst
    }

    /// What a rejoin's `history` comes to, once the ledger has taken it into account.
    struct Recovery: Sendable, Equatable {
        /// The room's new epoch when it was re-created.
        var reset: String?
        /// The seqs lost for good.
        var gap: ClosedRange<Int>?
        /// The messages the caller has not had, in order.
        var messages: [ChatMessage]
        /// Whether everything missed was replayed.
        var recovered: Bool
    }

    /// Takes the `history` that follows a `joined`: `nil` when no join of the client's is waiting for it or it
    /// was the room's first join (the caller passes the frame on), else what the rejoin recovered.
    mutating func history(room: String, messages: [ChatMessage]) -> Recovery? {
        guard var entry = self.rooms[room], let pending = entry.pendingJoin else { return nil }
        entry.pendingJoin = nil
        defer { self.rooms[room] = entry }
        if pending.isFirst {
            entry.lastSeq = max(pending.joinedSeq, messages.last?.seq ?? 0)
            return nil
        }
        var gap: ClosedRange<Int>?
        if !pending.recovered, let firstSeq = pending.firstSeq, firstSeq > pending.sinceSeq + 1 {
            gap = (pending.sinceSeq + 1)...(firstSeq - 1)
        }
        var fresh: [ChatMessage] = []
        var last = pending.sinceSeq
        for message in messages where message.seq > last {
            fresh.append(message)
            last = message.seq
        }
        entry.lastSeq = max(last, pending.joinedSeq)
        return Recovery(reset: pending.reset, gap: gap, messages: fresh, recovered: pending.recovered)
    }

    /// Whether `message` is new to the caller (and records it); `true` for rooms the ledger does not track.
    mutating func accept(_ message: ChatMessage) -> Bool {
        guard var entry = self.rooms[message.room] else { return true }
        guard message.seq > entry.lastSeq else { return false }
        entry.lastSeq = message.seq
        self.rooms[message.room] = entry
        return true
    }

    /// A join of the client's was refused: on a first join the room is forgotten; `true` when it was one of
    /// the client's joins.
    mutating func joinFailed(id: String?) -> Bool {
        guard let id, id.hasPrefix("chatclient-join:") else { return false }
        self.rooms[String(id.dropFirst("chatclient-join:".count))] = nil
        return true
    }
}
