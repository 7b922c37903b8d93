import Foundation
import NIOCore

/// What applying room events produced: connections to drop as slow consumers, and whether the room must be
/// read back from Redis because an event is missing.
struct DeliveryOutcome {
    var overflowed: [ChatMember] = []
    var needsResync = false
}

/// Cluster mode (`--redis`): the same hub, the same locks and the same outboxes, but a room's order comes from
/// Redis. `say` runs a script that numbers, stores and publishes the message; every node, the sender's
/// included, delivers what arrives on the room channel, in channel order, so members on all nodes see one
/// order. Joins and leaves are published on the same channel, so presence is ordered with the messages.
/// See docs/architecture.md, "Cluster mode".
extension ChatHub {
    // MARK: Requests

    func clusterHandle(_ frame: ClientFrame, from member: ChatMember, cluster: ClusterNode) {
        switch frame {
        case .join(let room, let id, let since, let epoch):
            self.clusterJoin(member, room: room, id: id, since: since, epoch: epoch, cluster: cluster)
        case .leave(let room, let id): self.clusterLeave(member, room: room, id: id, cluster: cluster)
        case .say(let room, let content, let id):
            self.clusterSay(member, room: room, content: content, id: id, cluster: cluster)
        case .whisper(let to, let content, let id):
            self.clusterWhisper(member, to: to, content: content, id: id, cluster: cluster)
        case .users(let room, let id, let after):
            self.clusterUsers(member, room: room, id: id, after: after, cluster: cluster)
        }
    }

    private func sendUnavailable(id: String?, to member: ChatMember) {
        self.sendError(
            .clusterUnavailable, "the chat cluster is unavailable (Redis unreachable): try again later", id: id,
            to: member)
    }

    private func clusterJoin(
        _ member: ChatMember, room roomName: String, id: String?, since: Int?, epoch: String?, cluster: ClusterNode
    ) {
        if let problem = NameRules.roomNameProblem(roomName) {
            return self.sendError(.invalidRoom, problem, id: id, to: member)
        }
        switch member.joinCheck(roomName, maxRooms: self.limits.maxRoomsPerConnection, markJoining: true) {
        case .already: return self.sendError(.alreadyInRoom, "already in room \"\(roomName)\"", id: id, to: member)
        case .atLimit: return self.sendTooManyRooms(id: id, to: member)
        case .free: break
        }
        guard cluster.isReady else {
            member.finishJoining(roomName)
            return self.sendUnavailable(id: id, to: member)
        }
        let recentEvents = cluster.configuration.recentEvents
        while true {
            guard let room = self.directory.room(roomName, orMake: { self.makeRoom(roomName, recentEvents: recentEvents) })
            else {
                member.finishJoining(roomName)
                return self.sendRoomLimitReached(id: id, to: member)
            }
            let subscribed: EventLoopFuture<Void>? = room.lock.withLock {
                guard !room.isClosed else { return nil }  // emptied and removed meanwhile: look again
                room.cluster.pendingJoins += 1
                // With the room locked, so SUBSCRIBE and UNSUBSCRIBE of one room reach Redis in the hub's order.
                return cluster.subscribe(room: roomName)
            }
            guard let subscribed else { continue }
            // Subscribed first, then registered: every event after the join is on its way to this node.
            let newEpoch = Room.newEpoch()  // the room's epoch if Redis has none yet
            return subscribed.flatMap { cluster.join(room: roomName, name: member.name, epoch: newEpoch) }
                .whenComplete { result in
                    self.finishClusterJoin(
                        member, room: room, id: id, since: since, epoch: epoch, result: result, cluster: cluster)
                }
        }
    }

    private func finishClusterJoin(
        _ member: ChatMember, room: Room, id: String?, since: Int?, epoch clientEpoch: String?,
        result: Result<RoomSnapshot, Error>, cluster: ClusterNode
    ) {
        enum Outcome {
            case joined(DeliveryOutcome)
            case failed, orphaned
        }
        let roomName = room.name
        member.finishJoining(roomName)
        // The room stays in the directory while a join is pending (removeRoomIfIdleLocked), so it is open here.
        let outcome: Outcome = room.lock.withLock {
            room.cluster.pendingJoins -= 1
            guard case .success(let snapshot) = result else {
                self.removeRoomIfIdleLocked(room, cluster: cluster)
                return .failed
            }
            guard self.names.isRegistered(member), member.didJoin(room) else {
                self.removeRoomIfIdleLocked(room, cluster: cluster)
                return .orphaned
            }
            let baseWasUnknown = room.cluster.lastEvent == nil
            if baseWasUnknown {
                room.cluster.lastEvent = snapshot.event
                room.adopt(seq: snapshot.seq)
                for message in snapshot.history.compactMap(\.chatMessage) { room.record(message) }
            }
            if let epoch = snapshot.epoch { room.epoch = epoch }
            let now = Self.nowMilliseconds()
            room.dropExpiredHistory(now: now)
            let history = snapshot.history.compactMap(\.chatMessage).filter { room.isWithinHistoryAge($0, now: now) }
            self.sendJoinedLocked(
                room: roomName, name: member.name, seq: snapshot.seq, epoch: room.epoch, history: history,
                since: since, clientEpoch: clientEpoch, id: id, to: member)
            // Events this node applied after the join, before its reply came back: the member is owed them.
            if let last = room.cluster.lastEvent, last > snapshot.event {
                for event in room.cluster.recentEvents where event.ev > snapshot.event {
                    if let frame = self.frame(for: event, in: roomName, to: member.name, cluster: cluster) {
                        self.sendLocked(frame, to: member)
                    }
                }
            }
            room.cluster.floors[member.name] = snapshot.event
            room.members[member.name] = member
            return .joined(baseWasUnknown ? self.drainLocked(room, cluster: cluster) : DeliveryOutcome())
        }
        switch outcome {
        case .joined(let delivery): self.finish(delivery, room: room, cluster: cluster)
        case .failed: self.sendUnavailable(id: id, to: member)
        case .orphaned: _ = cluster.leave(room: roomName, name: member.name)  // it disconnected meanwhile
        }
    }

    private func clusterLeave(_ member: ChatMember, room roomName: String, id: String?, cluster: ClusterNode) {
        enum Outcome {
            case pending, notInRoom
            case leftLocally([ChatMember])
        }
        guard let room = member.room(roomName) else { return self.sendNotInRoom(roomName, id: id, to: member) }
        let outcome: Outcome = room.lock.withLock {
            guard room.members[member.name] === member, room.cluster.pendingLeaves[member.name] == nil
            else { return .notInRoom }
            guard cluster.isReady else {
                return .leftLocally(self.leaveLocallyLocked(member, room: room, id: id, cluster: cluster))
            }
            room.cluster.pendingLeaves[member.name] = PendingLeave(id: id)
            return .pending
        }
        switch outcome {
        case .notInRoom: self.sendNotInRoom(roomName, id: id, to: member)
        case .leftLocally(let overflowed): self.dropSlowConsumers(overflowed)
        case .pending:
            cluster.leave(room: roomName, name: member.name).whenComplete { result in
                let overflowed: [ChatMember] = room.lock.withLock {
                    guard room.cluster.pendingLeaves[member.name] != nil, room.members[member.name] === member
                    else { return [] }  // already finished by the presence event
                    switch result {
                    case .success(let pair) where pair.event != 0:
                        return []  // the presence event finishes it, in channel order
                    case .success(let pair):
                        // Redis did not have the member (its node had been given up for dead): nothing to wait for.
                        room.cluster.pendingLeaves[member.name] = nil
                        self.sendLocked(.left(room: roomName, seq: max(pair.seq, room.seq), id: id), to: member)
                        self.dropLocalMemberLocked(member, from: room)
                        self.removeRoomIfIdleLocked(room, cluster: cluster)
                        return []
                    case .failure:
                        return self.leaveLocallyLocked(member, room: room, id: id, cluster: cluster)
                    }
                }
                self.dropSlowConsumers(overflowed)
            }
        }
    }

    private func clusterSay(
        _ member: ChatMember, room roomName: String, content: String, id: String?, cluster: ClusterNode
    ) {
        guard self.acceptsContent(content, id: id, from: member) else { return }
        guard member.room(roomName) != nil else { return self.sendNotInRoom(roomName, id: id, to: member) }
        guard cluster.isReady else { return self.sendUnavailable(id: id, to: member) }
        let body = ClusterEvent.body(
            room: roomName, from: member.name, content: content, id: id, ts: Self.nowMilliseconds())
        // Delivered to everyone, the sender included, when it comes back on the room channel.
        cluster.post(room: roomName, body: body, requireRoom: false).whenFailure { _ in
            self.sendUnavailable(id: id, to: member)
        }
    }

    private func clusterWhisper(
        _ member: ChatMember, to name: String, content: String, id: String?, cluster: ClusterNode
    ) {
        guard self.acceptsContent(content, id: id, from: member) else { return }
        let whisper = WhisperMessage(from: member.name, to: name, content: content, id: id, ts: Self.nowMilliseconds())
        let buffer = Self.encode(.whisper(whisper))
        // An addressee on this node is served directly, as on a single node (and even while degraded).
        if let recipient = self.names.member(named: name) {
            var delivered = whisper
            delivered.to = recipient.name
            let buffer = Self.encode(.whisper(delivered))
            return self.dropSlowConsumers(
                self.queue(buffer, kind: .whisper, to: recipient === member ? [member] : [recipient, member]))
        }
        guard cluster.isReady else { return self.sendUnavailable(id: id, to: member) }
        cluster.whisper(whisper).whenComplete { result in
            switch result {
            case .success(true):
                self.dropSlowConsumers(self.queue(buffer, kind: .whisper, to: CollectionOfOne(member)))
            case .success(false):
                self.sendError(.unknownUser, "no user named \"\(name)\" is connected", id: id, to: member)
            case .failure:
                self.sendUnavailable(id: id, to: member)
            }
        }
    }

    private func clusterUsers(
        _ member: ChatMember, room roomName: String, id: String?, after: String?, cluster: ClusterNode
    ) {
        guard let room = member.room(roomName) else { return self.sendNotInRoom(roomName, id: id, to: member) }
        guard cluster.isReady else { return self.sendUnavailable(id: id, to: member) }
        cluster.users(room: roomName).whenComplete { result in
            switch result {
            case .success(let names):
                let page = Room.page(of: names.sorted(), after: after, limit: self.limits.usersPageSize)
                room.lock.withLock {
                    self.sendLocked(.users(room: roomName, names: page.names, id: id, next: page.next), to: member)
                }
            case .failure:
                self.sendUnavailable(id: id, to: member)
            }
        }
    }

    /// A member's connection closed: it leaves its rooms here at once, and in Redis (whose presence `leave`
    /// reaches the remaining members on every node, this one included), and its name is freed.
    func clusterDetach(_ member: ChatMember, cluster: ClusterNode) {
        guard self.names.unregister(member) else { return }
        let isReady = cluster.isReady
        let rooms = member.leaveAll()
        var overflowed: [ChatMember] = []
        for room in rooms {
            overflowed += room.lock.withLock {
                guard room.members[member.name] === member else { return [] }
                room.cluster.pendingLeaves[member.name] = nil
                self.dropLocalMemberLocked(member, from: room)
                // Degraded: only this node's members can be told now.
                let overflowed =
                    isReady ? [] : self.fanOutLocked(.presence(room: room.name, name: member.name, event: .leave), in: room)
                self.removeRoomIfIdleLocked(room, cluster: cluster)
                return overflowed
            }
        }
        // While degraded these fail; the recovery removes what is left (register and sync).
        for room in rooms { _ = cluster.leave(room: room.name, name: member.name) }
        cluster.release(nameKey: member.nameKey)
        self.dropSlowConsumers(overflowed)
    }

    // MARK: Names

    /// Cluster mode: after ``reserve(_:for:)`` succeeded locally, takes the name cluster-wide (`SET NX`). `false`
    /// when another node has it (remembered for 2 s so the HTTP answer says `409 name_taken`) or Redis cannot
    /// be reached; the local reservation is then cancelled.
    func claimInCluster(_ name: String, for channel: Channel) -> EventLoopFuture<Bool> {
        guard let cluster = self.cluster else { return channel.eventLoop.makeSucceededFuture(true) }
        let id = ObjectIdentifier(channel)
        let key = NameKey.of(name)
        let cancel: @Sendable (Bool) -> Void = { takenElsewhere in
            self.names.cancelReservation(key: key, for: id, takenElsewhere: takenElsewhere)
        }
        guard cluster.isReady else {
            cancel(false)
            return channel.eventLoop.makeSucceededFuture(false)
        }
        return cluster.claim(nameKey: key).map { claimed in
            guard claimed else {
                cancel(true)
                return false
            }
            // The connection may have closed while Redis answered: then the name goes back at once.
            let stillReserved = self.names.isReserved(key: key, for: id)
            if !stillReserved { cluster.release(nameKey: key) }
            return stillReserved
        }.recover { _ in
            cancel(false)
            return false
        }.hop(to: channel.eventLoop)
    }

    // MARK: Events from Redis

    /// An event arrived on a room channel (subscriber connection's event loop).
    func clusterRoomEvent(room roomName: String, payload: String) {
        guard let cluster = self.cluster, let event = ClusterEvent.decode(payload) else { return }
        guard let room = self.directory.room(roomName) else { return }
        let outcome: DeliveryOutcome = room.lock.withLock {
            guard !room.isClosed else { return DeliveryOutcome() }
            room.cluster.buffered.append(event)
            return self.drainLocked(room, cluster: cluster)
        }
        self.finish(outcome, room: room, cluster: cluster)
    }

    /// A message arrived on this node's channel: a whisper for one of its users.
    func clusterNodeMessage(_ payload: String) {
        guard let message = try? JSONDecoder().decode(ClusterWhisper.self, from: Data(payload.utf8)) else { return }
        guard let recipient = self.names.member(named: message.whisper.to) else { return }
        var whisper = message.whisper
        whisper.to = recipient.name
        self.dropSlowConsumers(self.queue(Self.encode(.whisper(whisper)), kind: .whisper, to: CollectionOfOne(recipient)))
    }

    /// Redis was lost: leaves waiting for their presence event finish here, seen by this node's members only.
    func clusterDidGoDown() {
        guard let cluster = self.cluster else { return }
        var overflowed: [ChatMember] = []
        for room in self.directory.all {
            overflowed += room.lock.withLock {
                var overflowed: [ChatMember] = []
                for (name, pending) in Array(room.cluster.pendingLeaves) {
                    guard let member = room.members[name] else { continue }
                    overflowed += self.leaveLocallyLocked(member, room: room, id: pending.id, cluster: cluster)
                }
                return overflowed
            }
        }
        self.dropSlowConsumers(overflowed)
    }

    /// Redis is back (or was restarted): register this node's users, then put every room this node has, or
    /// had, members in back in line (counters, history, members), and deliver the messages published while
    /// this node could not hear them. Events arriving meanwhile wait in each room's buffer.
    func clusterRecover() async throws {
        guard let cluster = self.cluster else { return }
        struct RoomView {
            var room: Room
            var names: [String]
            var seq: Int
            var event: Int
            var history: [String]
        }
        var views: [String: RoomView] = [:]
        for room in self.directory.all {
            let view: RoomView? = room.lock.withLock {
                guard !room.isClosed else { return nil }
                room.cluster.isSyncing = true
                return RoomView(
                    room: room, names: room.members.keys.sorted(), seq: room.seq, event: room.cluster.lastEvent ?? 0,
                    history: room.historyMessages.map { ClusterEvent.envelope($0, ev: 0) })
            }
            if let view { views[room.name] = view }
        }
        let names = self.names.sortedKeys
        // The cluster's name registry holds name keys (NameKey), like this node's.
        let conflicts = try await cluster.register(nameKeys: names).get()
        for key in conflicts {
            // Another node took the name while this one could not see Redis: the older connection gives way.
            self.names.member(key: key)?.connection.close(
                code: WebSocketCloseCode.policyViolation, reason: "name taken on another node", cause: nil)
        }
        let registeredRooms = try await cluster.registeredRooms().get()
        for roomName in Set(views.keys).union(registeredRooms).sorted() {
            let view = views[roomName]
            let snapshot = try await cluster.sync(
                room: roomName, names: view?.names ?? [], seqFloor: view?.seq ?? 0, eventFloor: view?.event ?? 0,
                history: view?.history ?? []
            ).get()
            guard let room = view?.room else { continue }
            let (outcome, gone): (DeliveryOutcome, [String]) = room.lock.withLock {
                guard !room.isClosed else { return (DeliveryOutcome(), []) }
                let gone = (view?.names ?? []).filter { room.members[$0] == nil }
                return (self.finishResyncLocked(room, snapshot: snapshot, cluster: cluster), gone)
            }
            // Members that left while the sync ran: tell Redis now.
            for name in gone { _ = cluster.leave(room: roomName, name: name) }
            self.finish(outcome, room: room, cluster: cluster)
        }
        let departed = names.filter { !self.names.isRegistered(key: $0) }
        for key in departed { cluster.release(nameKey: key) }
    }

    // MARK: Applying events (room lock)

    /// Applies buffered events in order while they follow on from the last one applied; stops at a gap (the
    /// room is then read back from Redis) or while the starting point is unknown.
    func drainLocked(_ room: Room, cluster: ClusterNode) -> DeliveryOutcome {
        var outcome = DeliveryOutcome()
        guard !room.cluster.isSyncing, var last = room.cluster.lastEvent else { return outcome }
        let buffered = room.cluster.buffered
        var consumed = 0
        for event in buffered {
            if event.ev <= last {
                consumed += 1
                continue
            }
            if event.ev > last + 1 {
                room.cluster.isSyncing = true
                outcome.needsResync = true
                break
            }
            outcome.overflowed += self.applyLocked(event, in: room, cluster: cluster)
            last = event.ev
            consumed += 1
            if room.isClosed {
                consumed = buffered.count  // the last local member left: nothing more to deliver here
                break
            }
        }
        room.cluster.buffered.removeFirst(consumed)
        return outcome
    }

    private func applyLocked(_ event: ClusterEvent, in room: Room, cluster: ClusterNode) -> [ChatMember] {
        room.cluster.lastEvent = event.ev
        room.cluster.remember(event)
        let ownSync = event.sync == true && event.node == cluster.nodeID
        switch event.kind {
        case .message:
            guard let message = event.chatMessage else { return [] }
            room.record(message)
            return self.fanOutLocked(.message(message), in: room, after: event.ev, except: nil)
        case .join:
            guard !ownSync, let name = event.name else { return [] }
            return self.fanOutLocked(
                .presence(room: room.name, name: name, event: .join), in: room, after: event.ev, except: name)
        case .leave:
            guard let name = event.name else { return [] }
            if event.node == cluster.nodeID, let member = room.members[name],
                let pending = room.cluster.pendingLeaves.removeValue(forKey: name)
            {
                self.sendLocked(.left(room: room.name, seq: event.seq, id: pending.id), to: member)
                self.dropLocalMemberLocked(member, from: room)
            }
            let overflowed =
                ownSync
                ? []
                : self.fanOutLocked(
                    .presence(room: room.name, name: name, event: .leave), in: room, after: event.ev, except: name)
            self.removeRoomIfIdleLocked(room, cluster: cluster)
            return overflowed
        }
    }

    /// A room read back from Redis: deliver the messages this node missed, then carry on from Redis's event
    /// number with whatever arrived meanwhile.
    func finishResyncLocked(_ room: Room, snapshot: RoomSnapshot, cluster: ClusterNode) -> DeliveryOutcome {
        var overflowed: [ChatMember] = []
        for event in snapshot.history.sorted(by: { $0.seq < $1.seq }) where event.seq > room.seq {
            guard let message = event.chatMessage else { continue }
            room.record(message)
            overflowed += self.fanOutLocked(.message(message), in: room, after: event.ev, except: nil)
        }
        room.adopt(seq: snapshot.seq)
        room.cluster.lastEvent = max(snapshot.event, room.cluster.lastEvent ?? 0)
        room.cluster.isSyncing = false
        var outcome = self.drainLocked(room, cluster: cluster)
        outcome.overflowed += overflowed
        return outcome
    }

    /// Drops slow consumers and, after a gap, reads the room back from Redis.
    private func finish(_ outcome: DeliveryOutcome, room: Room, cluster: ClusterNode) {
        self.dropSlowConsumers(outcome.overflowed)
        guard outcome.needsResync, !room.lock.withLock({ room.isClosed }) else { return }
        self.resync(room, cluster: cluster)
    }

    private func resync(_ room: Room, cluster: ClusterNode) {
        cluster.snapshot(room: room.name).whenComplete { result in
            switch result {
            case .success(let snapshot):
                let outcome: DeliveryOutcome = room.lock.withLock {
                    guard !room.isClosed else { return DeliveryOutcome() }
                    return self.finishResyncLocked(room, snapshot: snapshot, cluster: cluster)
                }
                self.finish(outcome, room: room, cluster: cluster)
            case .failure:
                // Lost Redis: the recovery after reconnecting reads every room back. Otherwise try again shortly.
                guard cluster.isReady else { return }
                Task {
                    try? await Task.sleep(nanoseconds: 200_000_000)
                    self.resync(room, cluster: cluster)
                }
            }
        }
    }

    // MARK: Helpers (room lock)

    /// Forgets a room this node no longer has members in (or joining), and stops listening to it (room lock).
    private func removeRoomIfIdleLocked(_ room: Room, cluster: ClusterNode) {
        guard room.members.isEmpty, room.cluster.pendingJoins == 0, !room.isClosed else { return }
        room.isClosed = true
        self.directory.remove(room)
        cluster.unsubscribe(room: room.name)
    }

    private func dropLocalMemberLocked(_ member: ChatMember, from room: Room) {
        room.members[member.name] = nil
        room.cluster.floors[member.name] = nil
        member.didLeave(room)
    }

    /// A leave while Redis is unreachable: answered at once with the `seq` this node knows; only this node's
    /// members hear about it now (the recovery publishes it to the others).
    private func leaveLocallyLocked(_ member: ChatMember, room: Room, id: String?, cluster: ClusterNode) -> [ChatMember]
    {
        room.cluster.pendingLeaves[member.name] = nil
        self.sendLocked(.left(room: room.name, seq: room.seq, id: id), to: member)
        self.dropLocalMemberLocked(member, from: room)
        let overflowed = self.fanOutLocked(.presence(room: room.name, name: member.name, event: .leave), in: room)
        self.removeRoomIfIdleLocked(room, cluster: cluster)
        return overflowed
    }

    /// Encodes `frame` once and queues it on the members that joined before event `ev`, but `except`.
    private func fanOutLocked(_ frame: ServerFrame, in room: Room, after ev: Int, except: String?) -> [ChatMember] {
        let targets = room.members.values.filter { member in
            member.name != except && (room.cluster.floors[member.name] ?? 0) < ev
        }
        guard !targets.isEmpty else { return [] }
        return self.queue(Self.encode(frame), kind: OutboundMessageKind(frame), to: targets)
    }

    /// What `event` looks like to member `name` catching up, or `nil` when it is not for them.
    private func frame(for event: ClusterEvent, in roomName: String, to name: String, cluster: ClusterNode)
        -> ServerFrame?
    {
        switch event.kind {
        case .message: return event.chatMessage.map { .message($0) }
        case .join, .leave:
            guard let subject = event.name, subject != name, !(event.sync == true && event.node == cluster.nodeID)
            else {
                return nil
            }
            return .presence(room: roomName, name: subject, event: event.kind == .join ? .join : .leave)
        }
    }

    // MARK: Operator actions

    /// Posts an announcement from `@system`: on this node alone, or in cluster mode through Redis to every node.
    /// `nil` when the room has no member (anywhere, in cluster mode).
    public func announce(room roomName: String, content: String, on eventLoop: EventLoop) -> EventLoopFuture<
        ChatMessage?
    > {
        guard let cluster = self.cluster else {
            return eventLoop.makeSucceededFuture(self.announce(room: roomName, content: content))
        }
        let ts = Self.nowMilliseconds()
        let body = ClusterEvent.body(room: roomName, from: NameRules.systemSender, content: content, id: nil, ts: ts)
        return cluster.post(room: roomName, body: body, requireRoom: true).map { pair -> ChatMessage? in
            guard pair.seq >= 0 else { return nil }
            return ChatMessage(
                room: roomName, from: NameRules.systemSender, content: content, id: nil, seq: pair.seq, ts: ts)
        }.hop(to: eventLoop)
    }
}
