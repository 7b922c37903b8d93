import NIOConcurrencyHelpers
import NIOCore

/// A named room: its members, its sequence counter and its recent history, behind the room's own lock.
///
/// Everything of a room is read and changed with ``lock`` held (the "room lock"), and every frame of the room
/// is queued on its members' connections with it held, so each member sees the room's frames in `seq` order.
/// Rooms never share a lock: requests in two rooms run in parallel. `@unchecked Sendable`: the lock guards it.
///
/// A room costs little until it is used: its history buffer and its backend's state are allocated on first use.
package final class Room: @unchecked Sendable {
    package let name: String
    /// Guards every field below.
    package let lock = NIOLock()
    /// The last sequence number assigned; 0 before the first message.
    package private(set) var seq = 0
    /// The last messages, oldest first, at most `historyCapacity`; empty (no storage) until the first one.
    private(set) var history: CircularBuffer<ChatMessage>?
    private let historyCapacity: Int
    /// Milliseconds a message stays in history; 0: no age limit.
    private let historyMaxAge: Int64
    /// This incarnation of the room: a random id, new each time the room is created (in cluster mode, the one
    /// Redis keeps with the room's counters), so a client can tell a re-created room from the one it knew.
    package var epoch: String
    /// Members by name.
    package var members: [String: ChatMember] = [:] {
        didSet { self.sortedNames = nil }
    }
    /// `members`' names, sorted: made by the first `users` after a change and kept until the next.
    private var sortedNames: [String]?
    /// Set when the room was removed from its directory (its last member left): a request that found it there
    /// before must look again.
    package var isClosed = false
    /// Joins whose reply the backend has not given yet (a shared backend answers later); the room stays while
    /// there are any.
    package var pendingJoins = 0
    /// Members that asked to leave and wait for the backend: their `left` goes out when their presence `leave`
    /// comes back in the room's order.
    package var pendingLeaves: [String: PendingLeave] = [:]
    /// What the room's backend keeps about the room (the cluster node: event order, member floors); `nil` for
    /// the local backend, and until first used.
    package var backendState: (any RoomBackendState)?

    init(name: String, historyCapacity: Int, historyMaxAge: Int64 = 0) {
        self.name = name
        self.historyCapacity = max(0, historyCapacity)
        self.historyMaxAge = max(0, historyMaxAge)
        self.epoch = Self.newEpoch()
    }

    /// The messages in history, oldest first.
    package var historyMessages: [ChatMessage] { self.history.map(Array.init) ?? [] }

    /// Messages in history.
    var historyCount: Int { self.history?.count ?? 0 }

    /// Assigns the next sequence number to a message and keeps it in history.
    package func post(from sender: String, content: String, id: String?, ts: Int64) -> ChatMessage {
        self.seq += 1
        let message = ChatMessage(room: self.name, from: sender, content: content, id: id, seq: self.seq, ts: ts)
        self.keep(message)
        return message
    }

    /// Takes a message whose `seq` a shared backend (Redis) assigned (in order) and keeps it in history.
    package func record(_ message: ChatMessage) {
        self.seq = max(self.seq, message.seq)
        self.keep(message)
    }

    /// Tells the backend's state that member `name` is no longer in the room here.
    func memberLeftLocked(_ name: String) {
        self.backendState?.memberLeft(name)
    }

    /// A new random epoch: 16 hex digits.
    package static func newEpoch() -> String {
        let text = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// Drops the messages older than the history's age limit at `now` (milliseconds since the Unix epoch).
    /// History is trimmed lazily, when it is read or appended to.
    package func dropExpiredHistory(now: Int64) {
        guard self.historyMaxAge > 0 else { return }
        while let first = self.history?.first, first.ts < now - self.historyMaxAge { self.history?.removeFirst() }
    }

    /// Whether `message` is still young enough for history at `now`.
    package func isWithinHistoryAge(_ message: ChatMessage, now: Int64) -> Bool {
        self.historyMaxAge == 0 || message.ts >= now - self.historyMaxAge
    }

    private func keep(_ message: ChatMessage) {
        guard self.historyCapacity > 0 else { return }
        self.dropExpiredHistory(now: message.ts)
        if self.history == nil { self.history = CircularBuffer(initialCapacity: min(self.historyCapacity, 16)) }
        if self.history?.count == self.historyCapacity { self.history?.removeFirst() }
        self.history?.append(message)
    }

    /// The room's `seq` as a shared backend (Redis) reports it, when this node starts following the room.
    package func adopt(seq: Int) {
        self.seq = max(self.seq, seq)
    }

    /// One page of member names, sorted: at most `limit` names that sort after `after` (all when `nil`), and the
    /// last name of the page when more follow. Sorting happens once per change of members, not per request.
    package func memberNames(after: String?, limit: Int) -> (names: [String], next: String?) {
        let sorted = self.sortedNames ?? self.members.keys.sorted()
        self.sortedNames = sorted
        return Self.page(of: sorted, after: after, limit: limit)
    }

    /// At most `limit` of `sorted` names that sort after `after`, and the page's last name when more follow.
    package static func page(of sorted: [String], after: String?, limit: Int) -> (names: [String], next: String?) {
        var start = sorted.startIndex
        if let after {
            // The first name after `after` (binary search).
            var high = sorted.endIndex
            while start < high {
                let middle = (start + high) / 2
                if sorted[middle] <= after { start = middle + 1 } else { high = middle }
            }
        }
        let end = min(sorted.endIndex, start + max(1, limit))
        let names = Array(sorted[start..<end])
        return (names, end < sorted.endIndex ? names.last : nil)
    }
}

/// What a ``RoomBackend`` keeps about one room (``Room/backendState``), read and changed with the room's lock held.
package protocol RoomBackendState: AnyObject {
    /// Member `name` is no longer in the room here: forget what was kept for it.
    func memberLeft(_ name: String)
}

/// A `leave` request waiting for its presence event: the `id` its `left` reply carries.
package struct PendingLeave {
    package var id: String?
}
