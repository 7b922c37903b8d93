import NIOCore

/// A named room: its members, its sequence counter and its recent history. Guarded by the hub's lock (hence
/// `@unchecked Sendable`: cluster callbacks hold a reference and touch it only under that lock).
final class Room: @unchecked Sendable {
    let name: String
    /// The last sequence number assigned; 0 before the first message.
    private(set) var seq = 0
    /// The last messages, oldest first, at most `historyCapacity`.
    private(set) var history: CircularBuffer<ChatMessage>
    private let historyCapacity: Int
    /// Members by name.
    var members: [String: ChatMember] = [:]
    /// Cluster mode only: event order, member floors, pending joins and leaves.
    var cluster: RoomClusterState

    init(name: String, historyCapacity: Int, recentEvents: Int = 0) {
        self.name = name
        self.historyCapacity = max(0, historyCapacity)
        self.history = CircularBuffer(initialCapacity: max(1, historyCapacity))
        self.cluster = RoomClusterState(recentEventLimit: recentEvents)
    }

    /// Assigns the next sequence number to a message and keeps it in history.
    func post(from sender: String, content: String, id: String?, ts: Int64) -> ChatMessage {
        self.seq += 1
        let message = ChatMessage(room: self.name, from: sender, content: content, id: id, seq: self.seq, ts: ts)
        if self.historyCapacity > 0 {
            if self.history.count == self.historyCapacity { self.history.removeFirst() }
            self.history.append(message)
        }
        return message
    }

    /// Cluster mode: takes a message whose `seq` Redis assigned (in order) and keeps it in history.
    func record(_ message: ChatMessage) {
        self.seq = max(self.seq, message.seq)
        if self.historyCapacity > 0 {
            if self.history.count == self.historyCapacity { self.history.removeFirst() }
            self.history.append(message)
        }
    }

    /// Cluster mode: the room's `seq` as Redis reports it, when this node starts following the room.
    func adopt(seq: Int) {
        self.seq = max(self.seq, seq)
    }

    /// Member names, sorted.
    var sortedMemberNames: [String] { self.members.keys.sorted() }
}
