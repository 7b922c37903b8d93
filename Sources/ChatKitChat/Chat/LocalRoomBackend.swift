import NIOCore

/// A single server's rooms: every event is numbered here, synchronously, with the room's lock held, and
/// delivered at once. Nothing is shared, so nothing is ever unavailable or pending.
final class LocalRoomBackend: RoomBackend {
    var isAvailable: Bool { true }
    var isShared: Bool { false }

    func join(_ member: ChatMember, room: Room, request: JoinRequest, hub: ChatHub) -> Bool {
        let overflowed: [ChatMember]? = room.lock.withLock {
            guard !room.isClosed else { return nil }  // emptied and removed meanwhile: look again
            guard member.didJoin(room) else {  // the connection closed meanwhile
                hub.closeIfIdleLocked(room)
                return []
            }
            let overflowed = hub.fanOutLocked(.presence(room: room.name, name: member.name, event: .join), in: room)
            room.members[member.name] = member
            // Acknowledge and replay history with the room locked, so no message can slip in between.
            room.dropExpiredHistory(now: ChatHub.nowMilliseconds())
            hub.sendJoinedLocked(
                room: room.name, name: member.name, seq: room.seq, epoch: room.epoch, history: room.historyMessages,
                request: request, to: member)
            return overflowed
        }
        guard let overflowed else { return false }
        hub.dropSlowConsumers(overflowed)
        return true
    }

    func leave(_ member: ChatMember, room: Room, id: String?, hub: ChatHub) {
        // Never pending here: the hub carries out leaves itself when the backend is not shared.
    }

    func say(
        _ member: ChatMember, room: Room, content: String, id: String?, receivedAt: NIODeadline, hub: ChatHub
    ) {
        let overflowed: [ChatMember]? = room.lock.withLock {
            guard room.members[member.name] === member else { return nil }
            let message = room.post(from: member.name, content: content, id: id, ts: ChatHub.nowMilliseconds())
            return hub.postLocked(message, in: room, receivedAt: receivedAt)
        }
        guard let overflowed else { return hub.sendNotInRoom(room.name, id: id, to: member) }
        hub.dropSlowConsumers(overflowed)
    }

    func whisper(_ whisper: WhisperMessage, completion: @escaping @Sendable (Result<Bool, any Error>) -> Void) {
        completion(.success(false))  // nobody else to ask
    }

    func memberNames(of room: Room, completion: @escaping @Sendable (Result<[String]?, any Error>) -> Void) {
        completion(.success(nil))
    }

    func didDetach(_ member: ChatMember, from rooms: [Room]) {}

    func roomClosed(_ room: Room) {}

    func announce(room: String, content: String, hub: ChatHub, on eventLoop: EventLoop) -> EventLoopFuture<ChatMessage?>
    {
        eventLoop.makeSucceededFuture(hub.announce(room: room, content: content))
    }

    func claim(nameKey: String, on eventLoop: EventLoop) -> EventLoopFuture<Bool> {
        eventLoop.makeSucceededFuture(true)
    }

    func release(nameKey: String) {}
}
