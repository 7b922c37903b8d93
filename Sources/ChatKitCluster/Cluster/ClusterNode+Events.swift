import ChatKitChat
import ChatKitWebSocket
import Foundation
import NIOCore

/// Cluster mode: what arrives from Redis, applied to the hub's rooms in each room's event order; catching up
/// after a gap, and recovering after Redis was lost. See docs/architecture.md, "Cluster mode".
extension ClusterNode {
    // MARK: Events from Redis

    /// An event arrived on a room channel (subscriber connection's event loop).
    func roomEvent(room roomName: String, payload: String, hub: ChatHub) {
        guard let event = ClusterEvent.decode(payload) else { return }
        guard let room = hub.directory.room(roomName) else { return }
        let outcome: DeliveryOutcome = room.lock.withLock {
            guard !room.isClosed else { return DeliveryOutcome() }
            self.state(of: room).buffered.append(event)
            return self.drainLocked(room, hub: hub)
        }
        self.finish(outcome, room: room, hub: hub)
    }

    /// A message arrived on this node's channel: a whisper for one of its users.
    func nodeMessage(_ payload: String, hub: ChatHub) {
        guard let message = try? JSONDecoder().decode(ClusterWhisper.self, from: Data(payload.utf8)) else { return }
        guard let recipient = hub.names.member(named: message.whisper.to) else { return }
        var whisper = message.whisper
        whisper.to = recipient.name
        hub.dropSlowConsumers(
            hub.queue(ChatHub.encode(.whisper(whisper)), kind: .whisper, to: CollectionOfOne(recipient)))
    }

    /// Redis was lost: leaves waiting for their presence event finish here, seen by this node's members only.
    func didGoDown(hub: ChatHub) {
        var overflowed: [ChatMember] = []
        for room in hub.directory.all {
            overflowed += room.lock.withLock {
                var overflowed: [ChatMember] = []
                for (name, pending) in Array(room.pendingLeaves) {
                    guard let member = room.members[name] else { continue }
                    overflowed += hub.leaveHereLocked(member, room: room, id: pending.id)
                }
                return overflowed
            }
        }
        hub.dropSlowConsumers(overflowed)
    }

    /// Redis is back (or was restarted): register this node's users, then put every room this node has, or
    /// had, members in back in line (counters, history, members), and deliver the messages published while
    /// this node could not hear them. Events arriving meanwhile wait in each room's buffer.
    func recoverRooms(hub: ChatHub) async throws {
        struct RoomView {
            var room: Room
            var names: [String]
            var seq: Int
            var event: Int
            var history: [String]
        }
        var views: [String: RoomView] = [:]
        for room in hub.directory.all {
            let view: RoomView? = room.lock.withLock {
                guard !room.isClosed else { return nil }
                let state = self.state(of: room)
                state.isSyncing = true
                return RoomView(
                    room: room, names: room.members.keys.sorted(), seq: room.seq, event: state.lastEvent ?? 0,
                    history: room.historyMessages.map { ClusterEvent.envelope($0, ev: 0) })
            }
            if let view { views[room.name] = view }
        }
        let names = hub.names.sortedKeys
        // The cluster's name registry holds name keys (NameKey), like this node's.
        let conflicts = try await self.register(nameKeys: names).get()
        for key in conflicts {
            // Another node took the name while this one could not see Redis: the older connection gives way.
            hub.names.member(key: key)?.connection.close(
                code: WebSocketCloseCode.policyViolation, reason: "name taken on another node", cause: nil)
        }
        let registeredRooms = try await self.registeredRooms().get()
        for roomName in Set(views.keys).union(registeredRooms).sorted() {
            let view = views[roomName]
            let snapshot = try await self.sync(
                room: roomName, names: view?.names ?? [], seqFloor: view?.seq ?? 0, eventFloor: view?.event ?? 0,
                history: view?.history ?? []
            ).get()
            guard let room = view?.room else { continue }
            let (outcome, gone): (DeliveryOutcome, [String]) = room.lock.withLock {
                guard !room.isClosed else { return (DeliveryOutcome(), []) }
                let gone = (view?.names ?? []).filter { room.members[$0] == nil }
                return (self.finishResyncLocked(room, snapshot: snapshot, hub: hub), gone)
            }
            // Members that left while the sync ran: tell Redis now.
            for name in gone { _ = self.leave(room: roomName, name: name) }
            self.finish(outcome, room: room, hub: hub)
        }
        let departed = names.filter { !hub.names.isRegistered(key: $0) }
        for key in departed { self.release(nameKey: key) }
    }

    // MARK: Applying events (room lock)

    /// Applies buffered events in order while they follow on from the last one applied; stops at a gap (the
    /// room is then read back from Redis) or while the starting point is unknown.
    func drainLocked(_ room: Room, hub: ChatHub) -> DeliveryOutcome {
        var outcome = DeliveryOutcome()
        let state = self.state(of: room)
        guard !state.isSyncing, var last = state.lastEvent else { return outcome }
        let buffered = state.buffered
        var consumed = 0
        for event in buffered {
            if event.ev <= last {
                consumed += 1
                continue
            }
            if event.ev > last + 1 {
                state.isSyncing = true
                outcome.needsResync = true
                break
            }
            outcome.overflowed += self.applyLocked(event, in: room, state: state, hub: hub)
            last = event.ev
            consumed += 1
            if room.isClosed {
                consumed = buffered.count  // the last local member left: nothing more to deliver here
                break
            }
        }
        state.buffered.removeFirst(consumed)
        return outcome
    }

    private func applyLocked(_ event: ClusterEvent, in room: Room, state: RoomClusterState, hub: ChatHub)
        -> [ChatMember]
    {
        state.lastEvent = event.ev
        state.remember(event)
        let ownSync = event.sync == true && event.node == self.nodeID
        switch event.kind {
        case .message:
            guard let message = event.chatMessage else { return [] }
            room.record(message)
            return self.fanOutLocked(.message(message), in: room, after: event.ev, except: nil, hub: hub)
        case .join:
            guard !ownSync, let name = event.name else { return [] }
            return self.fanOutLocked(
                .presence(room: room.name, name: name, event: .join), in: room, after: event.ev, except: name, hub: hub)
        case .leave:
            guard let name = event.name else { return [] }
            if event.node == self.nodeID, let member = room.members[name],
                let pending = room.pendingLeaves.removeValue(forKey: name)
            {
                hub.sendLocked(.left(room: room.name, seq: event.seq, id: pending.id), to: member)
                hub.dropMemberLocked(member, from: room)
            }
            let overflowed =
                ownSync
                ? []
                : self.fanOutLocked(
                    .presence(room: room.name, name: name, event: .leave), in: room, after: event.ev, except: name,
                    hub: hub)
            hub.closeIfIdleLocked(room)
            return overflowed
        }
    }

    /// A room read back from Redis: deliver the messages this node missed, then carry on from Redis's event
    /// number with whatever arrived meanwhile.
    func finishResyncLocked(_ room: Room, snapshot: RoomSnapshot, hub: ChatHub) -> DeliveryOutcome {
        var overflowed: [ChatMember] = []
        for event in snapshot.history.sorted(by: { $0.seq < $1.seq }) where event.seq > room.seq {
            guard let message = event.chatMessage else { continue }
            room.record(message)
            overflowed += self.fanOutLocked(.message(message), in: room, after: event.ev, except: nil, hub: hub)
        }
        room.adopt(seq: snapshot.seq)
        let state = self.state(of: room)
        state.lastEvent = max(snapshot.event, state.lastEvent ?? 0)
        state.isSyncing = false
        var outcome = self.drainLocked(room, hub: hub)
        outcome.overflowed += overflowed
        return outcome
    }

    /// Drops slow consumers and, after a gap, reads the room back from Redis.
    func finish(_ outcome: DeliveryOutcome, room: Room, hub: ChatHub) {
        hub.dropSlowConsumers(outcome.overflowed)
        guard outcome.needsResync, !room.lock.withLock({ room.isClosed }) else { return }
        self.resync(room, hub: hub)
    }

    private func resync(_ room: Room, hub: ChatHub) {
        self.snapshot(room: room.name).whenComplete { result in
            switch result {
            case .success(let snapshot):
                let outcome: DeliveryOutcome = room.lock.withLock {
                    guard !room.isClosed else { return DeliveryOutcome() }
                    return self.finishResyncLocked(room, snapshot: snapshot, hub: hub)
                }
                self.finish(outcome, room: room, hub: hub)
            case .failure:
                // Lost Redis: the recovery after reconnecting reads every room back. Otherwise try again shortly.
                guard self.isReady else { return }
                Task {
                    try? await Task.sleep(nanoseconds: 200_000_000)
                    self.resync(room, hub: hub)
                }
            }
        }
    }

    /// Encodes `frame` once and queues it on the members that joined before event `ev`, but `except`.
    private func fanOutLocked(_ frame: ServerFrame, in room: Room, after ev: Int, except: String?, hub: ChatHub)
        -> [ChatMember]
    {
        let floors = self.state(of: room).floors
        let targets = room.members.values.filter { member in
            member.name != except && (floors[member.name] ?? 0) < ev
        }
        guard !targets.isEmpty else { return [] }
        return hub.queue(ChatHub.encode(frame), kind: OutboundMessageKind(frame), to: targets)
    }
}
