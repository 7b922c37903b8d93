/// What a ``ChatClient`` delivers: the server's frames, and what the client itself did about the connection.
public enum ChatClientEvent: Sendable, Equatable {
    /// A frame from the server. Room messages come once each, in `seq` order, across reconnects: the ones
    /// replayed after a recovering join come as ordinary `.message` frames, never a seq twice. After a
    /// reconnect the `welcome` and the rejoins' `joined` and `history` frames are not passed on: the client
    /// reports ``recovered(room:messages:)`` or ``gap(room:from:to:)`` instead.
    case frame(ServerFrame)
    /// The connection was lost; attempt `attempt` (1 for the first) starts after `delay`.
    case reconnecting(attempt: Int, delay: Duration)
    /// A new connection is open; the client is joining its rooms again.
    case reconnected
    /// A rejoined room replayed everything missed: `messages` of them, delivered just before this event.
    case recovered(room: String, messages: Int)
    /// A rejoined room no longer held every message missed: seqs `from` through `to` are lost for good. The
    /// messages it still had follow as `.message` frames.
    case gap(room: String, from: Int, to: Int)
    /// A rejoined room was re-created while the client was away (its epoch changed to `epoch`): what the old
    /// room had after the client's last seq is gone, and seqs start again from 1.
    case roomReset(room: String, epoch: String)
    /// Reconnecting failed `attempts` times; `lastError` says why the last one failed. ``closed(code:reason:)``
    /// follows.
    case gaveUp(attempts: Int, lastError: String)
    /// The client is closed for good: always the last event. The code and reason of the close that ended it
    /// (1000 for ``ChatClient/close()``; the lost connection's for a client that gave up reconnecting).
    case closed(code: UInt16, reason: String)
}
