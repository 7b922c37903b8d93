/// What a simulated user keeps while it speaks a protocol through an adapter (not `chat` or `raw`): the adapter, and
/// the marker-counted memberships (``MarkerMembership``).
struct AdapterSession {
    let adapter: any ProtocolAdapter
    /// Open memberships by room.
    var open: [String: MarkerMembership] = [:]
    /// Ended memberships (left, or lost with the connection).
    var finished: [MarkerMembership] = []
    /// Joins sent and not yet acknowledged, oldest first, with their ack ids (protocols with join acks).
    var pendingJoins: [(room: String, ackID: Int, requestedNanoseconds: Int64)] = []
    /// Initial rooms not yet joined in this connection; the user is ready when none is left.
    var initialRoomsPending: Set<String> = []
    /// This user's number of sends to each room (the marker's sender number).
    var sendsByRoom: [String: Int] = [:]
    /// The next join's ack id.
    var nextAckID = 1

    init(adapter: any ProtocolAdapter) {
        self.adapter = adapter
    }
}
