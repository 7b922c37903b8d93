/// What a `join` with `since` gets: the messages for its `history` frame, and what its `joined` frame says.
///
/// Recovered when the room is the incarnation the client knew (same epoch, when it gave one, and a `seq` at
/// least `since`) and the history still holds every message after `since`: then the history is exactly those
/// messages. Otherwise not recovered: the history is the room's whole history, and `firstSeq` the first seq it
/// still has (the room's next seq when it has none), so the client knows exactly what it missed.
struct HistoryRecovery: Equatable {
    /// The messages of the `history` frame, oldest first.
    var messages: [ChatMessage]
    /// Whether `messages` are all the messages after `since`.
    var recovered: Bool
    /// When not recovered: the first seq the room still has.
    var firstSeq: Int?

    /// `history` is the room's history oldest first (without the messages over the age limit), `seq` its last
    /// seq and `epoch` its epoch; `since` and `clientEpoch` come from the `join`.
    init(history: [ChatMessage], seq: Int, epoch: String, since: Int, clientEpoch: String?) {
        let firstSeq = history.first?.seq ?? seq + 1
        let sameRoom = (clientEpoch == nil || clientEpoch == epoch) && since <= seq
        if sameRoom && since + 1 >= firstSeq {
            self.messages = Array(history.drop { $0.seq <= since })
            self.recovered = true
            self.firstSeq = nil
        } else {
            self.messages = history
            self.recovered = false
            self.firstSeq = firstSeq
        }
    }
}
