/// How the `socketio` adapter speaks Socket.IO v5 over Engine.IO v4 (WebSocket transport only; the scenario's
/// `socketio` block, docs/protocols.md). Events are JSON arrays, `["name", arg, …]`: the frames to send are templates
/// of those arrays, and received events are read through JSON Pointers into them (`/1/text`: the first argument's
/// `text`). The event name is always at `/0`.
public struct SocketIOProtocolSettings: Sendable, Equatable {
    /// The namespace to connect to (`/` by default).
    public var namespace: String
    /// The CONNECT packet's payload (`{"token":"{token}"}`), if any.
    public var auth: JSONFrameTemplate?
    /// Whether joins ask for an ack (`42<id>[…]`, answered `43<id>[…]`): the membership starts at the ack. Without,
    /// it starts when the join is sent.
    public var joinAck: Bool
    /// The events to emit and how to read received ones; its `typeAt` is `/0`, its type values are event names.
    public var events: JSONProtocolSettings
}
