/// Where a room stands in Redis: its last `seq`, its last event number, stored history (oldest first) and, from
/// a join, the room's epoch.
struct RoomSnapshot: Sendable {
    var seq: Int
    var event: Int
    var history: [ClusterEvent]
    var epoch: String?

    /// Reads `{seq, ev, [envelope…]}` and an optional epoch after them.
    init(_ reply: RESPValue) throws {
        guard let parts = reply.array, parts.count >= 2, let seq = parts[0].integer, let event = parts[1].integer else {
            throw RedisError.unexpectedReply("expected {seq, ev, history}")
        }
        self.seq = Int(seq)
        self.event = Int(event)
        self.history = (parts.count > 2 ? parts[2].array ?? [] : []).compactMap {
            $0.string.flatMap(ClusterEvent.decode)
        }
        self.epoch = parts.count > 3 ? parts[3].string : nil
    }
}

/// The two numbers `say` and `leave` return.
struct SequencePair: Sendable {
    var seq: Int
    var event: Int

    init(_ reply: RESPValue) throws {
        guard let parts = reply.array, parts.count >= 2, let seq = parts[0].integer, let event = parts[1].integer else {
            throw RedisError.unexpectedReply("expected {seq, ev}")
        }
        self.seq = Int(seq)
        self.event = Int(event)
    }
}
