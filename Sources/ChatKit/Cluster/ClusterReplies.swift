/// Where a room stands in Redis: its last `seq`, its last event number, and stored history (oldest first).
struct RoomSnapshot: Sendable {
    var seq: Int
    var event: Int
    var history: [ClusterEvent]

    /// Reads `{seq, ev, [envelope…]}`.
    init(_ reply: RESPValue) throws {
        guard let parts = reply.array, parts.count >= 2, let seq = parts[0].integer, let event = parts[1].integer else {
            throw RedisError.unexpectedReply("expected {seq, ev, history}")
        }
        self.seq = Int(seq)
        self.event = Int(event)
        self.history = (parts.count > 2 ? parts[2].array ?? [] : []).compactMap {
            $0.string.flatMap(ClusterEvent.decode)
        }
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
