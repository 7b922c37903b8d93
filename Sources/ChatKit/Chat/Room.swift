import NIOCore

/// A named room: its members, its sequence counter and its recent history. Guarded by the hub's lock.
final class Room {
    let name: String
    /// The last sequence number assigned; 0 before the first message.
    private(set) var seq = 0
    /// The last messages, oldest first, at most `historyCapacity`.
    private(set) var history: CircularBuffer<ChatMessage>
    private let historyCapacity: Int
    /// Members by name.
    var members: [String: ChatMember] = [:]

    init(name: String, historyCapacity: Int) {
        self.name = name
        self.historyCapacity = max(0, historyCapacity)
        self.history = CircularBuffer(initialCapacity: max(1, historyCapacity))
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

    /// Member names, sorted.
    var sortedMemberNames: [String] { self.members.keys.sorted() }
}
