import NIOCore

/// Where a room's order comes from: this process (``LocalRoomBackend``, a single server) or a Redis shared by
/// several servers (the cluster node, `--redis`).
///
/// The hub carries out every request once, for both: it checks names, limits, content and membership, finds
/// or makes the room, and answers what it can. It hands its backend only the step that numbers the room's
/// events or reaches the other nodes. The local backend does that step at once, with the room's lock held;
/// the cluster node asks Redis and applies the outcome when the reply, or the room's channel, brings it back.
/// Either way the frames are queued by the hub's `…Locked` building blocks under the room's lock, so the lock
/// order (room, then directory, member or registry) and the outbox order are the same. See
/// docs/architecture.md, "Rooms and their backend".
package protocol RoomBackend: AnyObject, Sendable {
    /// Whether requests that need the backend can be served now. `false`: a cluster node that cannot reach
    /// Redis; `join`, `say`, `users` and remote whispers are then answered `cluster_unavailable`.
    var isAvailable: Bool { get }
    /// Whether rooms span other servers. A shared backend brings `leave`'s presence back in the room's order
    /// (``leave(_:room:id:hub:)``), and takes names cluster-wide (``claim(nameKey:on:)``); while it is not
    /// available, leaves and disconnects are carried out here, as the local backend does.
    var isShared: Bool { get }

    /// Registers `member` (marked joining) in `room` (found or made in the directory, not locked), and sends
    /// `joined` and `history`, now or when the backend answers. Returns `false` when the room was closed
    /// meanwhile: the hub looks it up again.
    func join(_ member: ChatMember, room: Room, request: JoinRequest, hub: ChatHub) -> Bool
    /// A member of `room` asked to leave and was recorded in ``Room/pendingLeaves`` (shared backends only): send
    /// `left` when the presence `leave` comes back in the room's order.
    func leave(_ member: ChatMember, room: Room, id: String?, hub: ChatHub)
    /// Numbers and delivers a message `member` says in `room` (one of its rooms; not locked).
    func say(
        _ member: ChatMember, room: Room, content: String, id: String?, receivedAt: NIODeadline, hub: ChatHub)
    /// Delivers a whisper whose addressee is not connected here; `completion` says whether anybody had the
    /// name (`false`: `unknown_user`). May call `completion` before returning.
    func whisper(_ whisper: WhisperMessage, completion: @escaping @Sendable (Result<Bool, any Error>) -> Void)
    /// The names of every member of `room`, wherever connected, for a `users` request; `nil`: the room's members
    /// here are all of them (read with the room's lock held). May call `completion` before returning.
    func memberNames(of room: Room, completion: @escaping @Sendable (Result<[String]?, any Error>) -> Void)
    /// `member`'s connection closed and it left `rooms` here (its name is no longer registered).
    func didDetach(_ member: ChatMember, from rooms: [Room])
    /// `room` has no member here any more and was removed from the directory (its lock held).
    func roomClosed(_ room: Room)
    /// Posts an announcement from `@system`; `nil` when the room has no member (anywhere).
    func announce(room: String, content: String, hub: ChatHub, on eventLoop: EventLoop) -> EventLoopFuture<ChatMessage?>
    /// Takes a name (its ``NameKey``) reserved here for the other servers too; `false` when one of them has it.
    func claim(nameKey: String, on eventLoop: EventLoop) -> EventLoopFuture<Bool>
    /// Frees a name (its ``NameKey``) this server had.
    func release(nameKey: String)
}

/// A `join` as the hub passed it on: the room and what the client asked to recover.
package struct JoinRequest: Sendable {
    package var room: String
    package var id: String?
    /// The last `seq` the client saw (recovery), if it asked.
    package var since: Int?
    /// The room's epoch the client knew, if any.
    package var epoch: String?
}
