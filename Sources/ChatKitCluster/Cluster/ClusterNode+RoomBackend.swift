import ChatKitChat
import Foundation
import NIOCore

/// What applying room events produced: connections to drop as slow consumers, and whether the room must be
/// read back from Redis because an event is missing.
struct DeliveryOutcome {
    var overflowed: [ChatMember] = []
    var needsResync = false
}

/// Cluster mode (`--redis`): the hub's rooms numbered by Redis. The hub carries out each request as on a single
/// node and hands the node only what needs Redis: `say` runs a script that numbers, stores and publishes the
/// message; every node, the sender's included, delivers what arrives on the room channel, in channel order,
/// so members on all nodes see one order. Joins and leaves are published on the same channel, so presence is
/// ordered with the messages. See docs/architecture.md, "Cluster mode".
extension ClusterNode: RoomBackend {
    package var isAvailable: Bool { self.isReady }
    package var isShared: Bool { true }

    package func join(_ member: ChatMember, room: Room, request: JoinRequest, hub: ChatHub) -> Bool {
        let subscribed: EventLoopFuture<Void>? = room.lock.withLock {
            guard !room.isClosed else { return nil }  // emptied and removed meanwhile: look again
            room.pendingJoins += 1
            // With the room locked, so SUBSCRIBE and UNSUBSCRIBE of one room reach Redis in the hub's order.
            return self.subscribe(room: room.name)
        }
        guard let subscribed else { return false }
        // Subscribed first, then registered: every event after the join is on its way to this node.
        let newEpoch = Room.newEpoch()  // the room's epoch if Redis has none yet
        subscribed.flatMap { self.join(room: room.name, name: member.name, epoch: newEpoch) }
            .whenComplete { result in
                self.finishJoin(member, room: room, request: request, result: result, hub: hub)
            }
        return true
    }

    private func finishJoin(
        _ member: ChatMember, room: Room, request: JoinRequest, result: Result<RoomSnapshot, Error>, hub: ChatHub
    ) {
        enum Outcome {
            case joined(DeliveryOutcome)
            case failed, orphaned
        }
        let roomName = room.name
        member.finishJoining(roomName)
        // The room stays in the directory while a join is pending (closeIfIdleLocked), so it is open here.
        let outcome: Outcome = room.lock.withLock {
            room.pendingJoins -= 1
            guard case .success(let snapshot) = result else {
                hub.closeIfIdleLocked(room)
                return .failed
            }
            guard hub.names.isRegistered(member), member.didJoin(room) else {
                hub.closeIfIdleLocked(room)
                return .orphaned
            }
            let state = self.state(of: room)
            let baseWasUnknown = state.lastEvent == nil
            if baseWasUnknown {
                state.lastEvent = snapshot.event
                room.adopt(seq: snapshot.seq)
                for message in snapshot.history.compactMap(\.chatMessage) { room.record(message) }
            }
            if let epoch = snapshot.epoch { room.epoch = epoch }
            let now = ChatHub.nowMilliseconds()
            room.dropExpiredHistory(now: now)
            let history = snapshot.history.compactMap(\.chatMessage).filter { room.isWithinHistoryAge($0, now: now) }
            hub.sendJoinedLocked(
                room: roomName, name: member.name, seq: snapshot.seq, epoch: room.epoch, history: history,
                request: request, to: member)
            // Events this node applied after the join, before its reply came back: the member is owed them.
            if let last = state.lastEvent, last > snapshot.event {
                for event in state.recentEvents where event.ev > snapshot.event {
                    if let frame = self.frame(for: event, in: roomName, to: member.name) {
                        hub.sendLocked(frame, to: member)
                    }
                }
            }
            state.floors[member.name] = snapshot.event
            room.members[member.name] = member
            return .joined(baseWasUnknown ? self.drainLocked(room, hub: hub) : DeliveryOutcome())
        }
        switch outcome {
        case .joined(let delivery): self.finish(delivery, room: room, hub: hub)
        case .failed: hub.sendBackendUnavailable(id: request.id, to: member)
        case .orphaned: _ = self.leave(room: roomName, name: member.name)  // it disconnected meanwhile
        }
    }

    package func leave(_ member: ChatMember, room: Room, id: String?, hub: ChatHub) {
        let roomName = room.name
        self.leave(room: roomName, name: member.name).whenComplete { result in
            let overflowed: [ChatMember] = room.lock.withLock {
                guard room.pendingLeaves[member.name] != nil, room.members[member.name] === member
                else { return [] }  // already finished by the presence event
                switch result {
                case .success(let pair) where pair.event != 0:
                    return []  // the presence event finishes it, in channel order
                case .success(let pair):
                    // Redis did not have the member (its node had been given up for dead): nothing to wait for.
                    room.pendingLeaves[member.name] = nil
                    hub.sendLocked(.left(room: roomName, seq: max(pair.seq, room.seq), id: id), to: member)
                    hub.dropMemberLocked(member, from: room)
                    hub.closeIfIdleLocked(room)
                    return []
                case .failure:
                    return hub.leaveHereLocked(member, room: room, id: id)
                }
            }
            hub.dropSlowConsumers(overflowed)
        }
    }

    package func say(
        _ member: ChatMember, room: Room, content: String, id: String?, receivedAt: NIODeadline, hub: ChatHub
    ) {
        let body = ClusterEvent.body(
            room: room.name, from: member.name, content: content, id: id, ts: ChatHub.nowMilliseconds())
        // Delivered to everyone, the sender included, when it comes back on the room channel.
        self.post(room: room.name, body: body, requireRoom: false).whenFailure { _ in
            hub.sendBackendUnavailable(id: id, to: member)
        }
    }

    package func whisper(_ whisper: WhisperMessage, completion: @escaping @Sendable (Result<Bool, any Error>) -> Void) {
        self.sendWhisper(whisper).whenComplete(completion)
    }

    package func memberNames(of room: Room, completion: @escaping @Sendable (Result<[String]?, any Error>) -> Void) {
        self.users(room: room.name).whenComplete { result in completion(result.map { names -> [String]? in names }) }
    }

    /// A member's connection closed: it leaves its rooms in Redis (whose presence `leave` reaches the remaining
    /// members on every node, this one included), and its name is freed.
    package func didDetach(_ member: ChatMember, from rooms: [Room]) {
        // While degraded these fail; the recovery removes what is left (register and sync).
        for room in rooms { _ = self.leave(room: room.name, name: member.name) }
        self.release(nameKey: member.nameKey)
    }

    /// Stops listening to a room this node no longer has members in (or joining); with the room locked, so
    /// SUBSCRIBE and UNSUBSCRIBE of one room reach Redis in order.
    package func roomClosed(_ room: Room) {
        self.unsubscribe(room: room.name)
    }

    package func announce(room roomName: String, content: String, hub: ChatHub, on eventLoop: EventLoop)
        -> EventLoopFuture<ChatMessage?>
    {
        let ts = ChatHub.nowMilliseconds()
        let body = ClusterEvent.body(room: roomName, from: NameRules.systemSender, content: content, id: nil, ts: ts)
        return self.post(room: roomName, body: body, requireRoom: true).map { pair -> ChatMessage? in
            guard pair.seq >= 0 else { return nil }
            return ChatMessage(
                room: roomName, from: NameRules.systemSender, content: content, id: nil, seq: pair.seq, ts: ts)
        }.hop(to: eventLoop)
    }

    package func claim(nameKey: String, on eventLoop: EventLoop) -> EventLoopFuture<Bool> {
        self.claim(nameKey: nameKey)
    }

    // MARK: Helpers (room lock)

    /// The room's event order on this node, made on first use.
    func state(of room: Room) -> RoomClusterState {
        if let state = room.backendState as? RoomClusterState { return state }
        let state = RoomClusterState(recentEventLimit: self.configuration.recentEvents)
        room.backendState = state
        return state
    }

    /// What `event` looks like to member `name` catching up, or `nil` when it is not for them.
    func frame(for event: ClusterEvent, in roomName: String, to name: String) -> ServerFrame? {
        switch event.kind {
        case .message: return event.chatMessage.map { .message($0) }
        case .join, .leave:
            guard let subject = event.name, subject != name, !(event.sync == true && event.node == self.nodeID)
            else {
                return nil
            }
            return .presence(room: roomName, name: subject, event: event.kind == .join ? .join : .leave)
        }
    }
}
