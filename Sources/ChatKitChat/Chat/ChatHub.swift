import ChatKitWebSocket
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The chat hub: who is connected, which rooms exist, who is in them, and the fan-out.
///
/// No lock covers all of it, so a request in one room never waits for another room:
/// - the name registry (``NameRegistry``) has its own lock, taken to connect, disconnect and find a whisper's
///   addressee;
/// - the room directory (``RoomDirectory``) has its own, held only to find, add or remove a room;
/// - each ``Room`` has its own lock. A room's messages get their `seq` and are queued on every member's
///   connection with it held, so every member sees a room's messages in `seq` order whatever thread sent them;
/// - each ``ChatMember`` guards its list of rooms with a lock of its own.
///
/// Lock order: a room's lock, then the directory's, a member's or the registry's; no other lock is ever held while
/// taking one. Queuing never waits for a socket: a member whose queue is over its byte budget is a slow consumer and is
/// closed (1008) once the room's lock is released; the others are not slowed down.
public final class ChatHub: @unchecked Sendable {
    /// Who is connected.
    package let names = NameRegistry()
    /// The rooms that exist.
    package let directory: RoomDirectory
    package let limits: ChatLimits
    /// Told what the hub queued, refused and dropped.
    package let observer: any ChatHubObserver
    /// Where rooms' events are numbered: this process (``LocalRoomBackend``) unless the server is a node of a
    /// cluster. Set once, before the server accepts connections.
    private(set) var backend: any RoomBackend = LocalRoomBackend()

    package init(limits: ChatLimits, observer: any ChatHubObserver) {
        self.limits = limits
        self.directory = RoomDirectory(limit: limits.maxRooms)
        self.observer = observer
    }

    /// Numbers rooms' events through `backend` (a cluster node). Call before the server accepts connections.
    package func useBackend(_ backend: any RoomBackend) {
        self.backend = backend
    }

    // MARK: Names

    /// Whether `name`, or a name that looks like it (same ``NameKey``), is in use or promised to a connection
    /// being upgraded.
    public func isNameTaken(_ name: String) -> Bool {
        self.names.isTaken(key: NameKey.of(name))
    }

    /// Promises `name` (its ``NameKey``) to `channel` until it attaches or closes; `false` when the name, or one
    /// that looks like it, is taken.
    package func reserve(_ name: String, for channel: Channel) -> Bool {
        let key = NameKey.of(name)
        let id = ObjectIdentifier(channel)
        guard self.names.reserve(key: key, for: id) else { return false }
        channel.closeFuture.whenComplete { _ in
            // The upgrade never completed: free the name in the cluster too.
            if self.names.cancelReservation(key: key, for: id) { self.backend.release(nameKey: key) }
        }
        return true
    }

    /// After ``reserve(_:for:)`` succeeded here, takes the name on the other servers too when the backend is
    /// shared (`SET NX` in Redis). `false` when another node has it (remembered for 2 s so the HTTP answer says
    /// `409 name_taken`) or the backend cannot be reached; the local reservation is then cancelled.
    package func claimName(_ name: String, for channel: Channel) -> EventLoopFuture<Bool> {
        let backend = self.backend
        guard backend.isShared else { return channel.eventLoop.makeSucceededFuture(true) }
        let id = ObjectIdentifier(channel)
        let key = NameKey.of(name)
        let cancel: @Sendable (Bool) -> Void = { takenElsewhere in
            self.names.cancelReservation(key: key, for: id, takenElsewhere: takenElsewhere)
        }
        guard backend.isAvailable else {
            cancel(false)
            return channel.eventLoop.makeSucceededFuture(false)
        }
        return backend.claim(nameKey: key, on: channel.eventLoop).map { claimed in
            guard claimed else {
                cancel(true)
                return false
            }
            // The connection may have closed while Redis answered: then the name goes back at once.
            let stillReserved = self.names.isReserved(key: key, for: id)
            if !stillReserved { backend.release(nameKey: key) }
            return stillReserved
        }.recover { _ in
            cancel(false)
            return false
        }.hop(to: channel.eventLoop)
    }

    // MARK: Connections

    /// Registers a member whose connection just opened, sends `welcome`, and joins `room` if given.
    package func attach(_ member: ChatMember, initialRoom: String?) {
        // Queued before the member can be found, so nothing (a whisper) can reach it before its welcome.
        self.send(.welcome(name: member.name), to: member)
        self.names.register(member)
        if let initialRoom {
            self.handle(.join(room: initialRoom, id: nil), from: member)
        }
    }

    /// Removes a member whose connection closed: it leaves every room, and the others see it go (from here, or
    /// through a shared backend, whose presence `leave` reaches the members on every node, this one included),
    /// and its name is freed.
    package func detach(_ member: ChatMember) {
        guard self.names.unregister(member) else { return }
        let backend = self.backend
        let presenceComesBack = backend.isShared && backend.isAvailable
        let rooms = member.leaveAll()
        for room in rooms {
            let overflowed: [ChatMember] = room.lock.withLock {
                guard room.members[member.name] === member else { return [] }
                room.pendingLeaves[member.name] = nil
                self.dropMemberLocked(member, from: room)
                if self.closeIfIdleLocked(room) || presenceComesBack { return [] }
                return self.fanOutLocked(.presence(room: room.name, name: member.name, event: .leave), in: room)
            }
            self.dropSlowConsumers(overflowed)
        }
        // A shared backend: leave there too (while it is unavailable these fail, and its recovery cleans up).
        backend.didDetach(member, from: rooms)
    }

    // MARK: Requests

    /// Carries out one client request; `receivedAt` is when it arrived (delivery timing of sampled messages).
    package func handle(_ frame: ClientFrame, from member: ChatMember, receivedAt: NIODeadline = .now()) {
        switch frame {
        case .join(let room, let id, let since, let epoch):
            self.join(member, JoinRequest(room: room, id: id, since: since, epoch: epoch))
        case .leave(let room, let id): self.leave(member, room: room, id: id)
        case .say(let room, let content, let id):
            self.say(member, room: room, content: content, id: id, receivedAt: receivedAt)
        case .whisper(let to, let content, let id): self.whisper(member, to: to, content: content, id: id)
        case .users(let room, let id, let after): self.users(member, room: room, id: id, after: after)
        }
    }

    private func join(_ member: ChatMember, _ request: JoinRequest) {
        let roomName = request.room
        let id = request.id
        if let problem = NameRules.roomNameProblem(roomName) {
            return self.sendError(.invalidRoom, problem, id: id, to: member)
        }
        switch member.joinCheck(roomName, maxRooms: self.limits.maxRoomsPerConnection) {
        case .already: return self.sendError(.alreadyInRoom, "already in room \"\(roomName)\"", id: id, to: member)
        case .atLimit: return self.sendTooManyRooms(id: id, to: member)
        case .free: break
        }
        // From here the join is pending (it counts against the limit) until the member is in the room or it failed.
        guard self.backend.isAvailable else {
            member.finishJoining(roomName)
            return self.sendBackendUnavailable(id: id, to: member)
        }
        while true {
            guard let room = self.directory.room(roomName, orMake: { self.makeRoom(roomName) }) else {
                member.finishJoining(roomName)
                return self.sendRoomLimitReached(id: id, to: member)
            }
            if self.backend.join(member, room: room, request: request, hub: self) { return }
        }
    }

    private func leave(_ member: ChatMember, room roomName: String, id: String?) {
        enum Outcome {
            case notInRoom, pending
            case left([ChatMember])
        }
        guard let room = member.room(roomName) else { return self.sendNotInRoom(roomName, id: id, to: member) }
        let backend = self.backend
        let outcome: Outcome = room.lock.withLock {
            guard room.members[member.name] === member, room.pendingLeaves[member.name] == nil else {
                return .notInRoom
            }
            guard backend.isShared, backend.isAvailable else {
                return .left(self.leaveHereLocked(member, room: room, id: id))
            }
            room.pendingLeaves[member.name] = PendingLeave(id: id)
            return .pending
        }
        switch outcome {
        case .notInRoom: self.sendNotInRoom(roomName, id: id, to: member)
        case .left(let overflowed): self.dropSlowConsumers(overflowed)
        case .pending: backend.leave(member, room: room, id: id, hub: self)
        }
    }

    private func say(
        _ member: ChatMember, room roomName: String, content: String, id: String?, receivedAt: NIODeadline
    ) {
        guard self.acceptsContent(content, id: id, from: member) else { return }
        guard let room = member.room(roomName) else { return self.sendNotInRoom(roomName, id: id, to: member) }
        guard self.backend.isAvailable else { return self.sendBackendUnavailable(id: id, to: member) }
        self.backend.say(member, room: room, content: content, id: id, receivedAt: receivedAt, hub: self)
    }

    private func whisper(_ member: ChatMember, to name: String, content: String, id: String?) {
        guard self.acceptsContent(content, id: id, from: member) else { return }
        // An addressee connected here is served directly (even while a shared backend is unavailable).
        if let recipient = self.names.member(named: name) {
            let whisper = WhisperMessage(
                from: member.name, to: recipient.name, content: content, id: id, ts: Self.nowMilliseconds())
            let targets = recipient === member ? [member] : [recipient, member]
            return self.dropSlowConsumers(self.queue(Self.encode(.whisper(whisper)), kind: .whisper, to: targets))
        }
        guard self.backend.isAvailable else { return self.sendBackendUnavailable(id: id, to: member) }
        let whisper = WhisperMessage(from: member.name, to: name, content: content, id: id, ts: Self.nowMilliseconds())
        self.backend.whisper(whisper) { result in
            switch result {
            case .success(true):
                self.dropSlowConsumers(
                    self.queue(Self.encode(.whisper(whisper)), kind: .whisper, to: CollectionOfOne(member)))
            case .success(false):
                self.sendError(.unknownUser, "no user named \"\(name)\" is connected", id: id, to: member)
            case .failure:
                self.sendBackendUnavailable(id: id, to: member)
            }
        }
    }

    /// Answers one page of the room's member names: the work is bounded by the page size, whatever the room's.
    private func users(_ member: ChatMember, room roomName: String, id: String?, after: String?) {
        guard let room = member.room(roomName) else { return self.sendNotInRoom(roomName, id: id, to: member) }
        guard self.backend.isAvailable else { return self.sendBackendUnavailable(id: id, to: member) }
        self.backend.memberNames(of: room) { result in
            switch result {
            case .success(let names?):
                let page = Room.page(of: names.sorted(), after: after, limit: self.limits.usersPageSize)
                room.lock.withLock {
                    self.sendLocked(.users(room: roomName, names: page.names, id: id, next: page.next), to: member)
                }
            case .success(nil):
                let found: Bool = room.lock.withLock {
                    guard room.members[member.name] === member else { return false }
                    let page = room.memberNames(after: after, limit: self.limits.usersPageSize)
                    // Sent with the room locked, so the list is in order with the presence frames around it.
                    self.sendLocked(.users(room: roomName, names: page.names, id: id, next: page.next), to: member)
                    return true
                }
                if !found { self.sendNotInRoom(roomName, id: id, to: member) }
            case .failure:
                self.sendBackendUnavailable(id: id, to: member)
            }
        }
    }

    // MARK: Answers

    /// Sends `joined` and `history` for a join: as they always were without `since`; with it, the messages after
    /// `since` when the history still holds them all (see ``HistoryRecovery``). A replay over the member's byte
    /// budget makes it a slow consumer, as any history does.
    package func sendJoinedLocked(
        room roomName: String, name: String, seq: Int, epoch: String, history: [ChatMessage], request: JoinRequest,
        to member: ChatMember
    ) {
        let id = request.id
        guard let since = request.since else {
            self.sendLocked(.joined(room: roomName, name: name, seq: seq, id: id), to: member)
            return self.sendLocked(.history(room: roomName, messages: history, id: id), to: member)
        }
        let recovery = HistoryRecovery(
            history: history, seq: seq, epoch: epoch, since: since, clientEpoch: request.epoch)
        self.sendLocked(
            .joined(
                room: roomName, name: name, seq: seq, id: id, epoch: epoch, recovered: recovery.recovered,
                firstSeq: recovery.firstSeq), to: member)
        self.sendLocked(.history(room: roomName, messages: recovery.messages, id: id), to: member)
    }

    /// A new, empty room with this hub's history size and age.
    func makeRoom(_ name: String) -> Room {
        Room(name: name, historyCapacity: self.limits.historySize, historyMaxAge: self.limits.historyMaxAgeMilliseconds)
    }

    func sendTooManyRooms(id: String?, to member: ChatMember) {
        self.sendError(
            .tooManyRooms, "already in \(self.limits.maxRoomsPerConnection) rooms, the most one connection may be in",
            id: id, to: member)
    }

    func sendRoomLimitReached(id: String?, to member: ChatMember) {
        self.sendError(
            .roomLimitReached, "the server already has \(self.limits.maxRooms) rooms, the most it allows", id: id,
            to: member)
    }

    func sendNotInRoom(_ roomName: String, id: String?, to member: ChatMember) {
        self.sendError(.notInRoom, "not in room \"\(roomName)\"", id: id, to: member)
    }

    /// The answer to a request that needs a shared backend that cannot be reached.
    package func sendBackendUnavailable(id: String?, to member: ChatMember) {
        self.sendError(
            .clusterUnavailable, "the chat cluster is unavailable (Redis unreachable): try again later", id: id,
            to: member)
    }

    /// Whether `content` is within the size limit; answers `too_long` when it is not.
    func acceptsContent(_ content: String, id: String?, from member: ChatMember) -> Bool {
        guard content.utf8.count > self.limits.maxContentBytes else { return true }
        self.sendError(.tooLong, "content is longer than \(self.limits.maxContentBytes) bytes", id: id, to: member)
        return false
    }

    // MARK: Operator actions

    /// Posts an announcement from `@system` to an existing room; `nil` when the room does not exist.
    ///
    /// In cluster mode this only looks at this node's rooms; HTTP uses ``announce(room:content:on:)``.
    public func announce(room roomName: String, content: String) -> ChatMessage? {
        let receivedAt = NIODeadline.now()
        guard let room = self.directory.room(roomName) else { return nil }
        let result: (ChatMessage, [ChatMember])? = room.lock.withLock {
            guard !room.isClosed else { return nil }
            let message = room.post(from: NameRules.systemSender, content: content, id: nil, ts: Self.nowMilliseconds())
            return (message, self.postLocked(message, in: room, receivedAt: receivedAt))
        }
        guard let (message, overflowed) = result else { return nil }
        self.dropSlowConsumers(overflowed)
        return message
    }

    /// Posts an announcement from `@system`: on this node alone, or in cluster mode through Redis to every node.
    /// `nil` when the room has no member (anywhere, in cluster mode).
    public func announce(room roomName: String, content: String, on eventLoop: EventLoop) -> EventLoopFuture<
        ChatMessage?
    > {
        self.backend.announce(room: roomName, content: content, hub: self, on: eventLoop)
    }

    /// Closes a user's connection with 1008 and `reason`; `false` when no such user is connected.
    public func kick(_ name: String, reason: String) -> Bool {
        guard let member = self.names.member(exactly: name) else { return false }
        member.connection.close(code: WebSocketCloseCode.policyViolation, reason: reason, cause: .kicked)
        return true
    }

    /// Rooms with their member count and last `seq`, sorted by name.
    public func roomSummaries() -> [RoomSummary] {
        self.directory.all.compactMap { room in
            room.lock.withLock {
                room.isClosed
                    ? nil
                    : RoomSummary(
                        name: room.name, members: room.members.count, seq: room.seq, historySize: room.historyCount)
            }
        }.sorted { $0.name < $1.name }
    }

    /// Members of a room with what operators may see of them; `nil` when the room does not exist.
    public func memberDetails(room roomName: String) -> [MemberDetail]? {
        guard let room = self.directory.room(roomName) else { return nil }
        let members: [ChatMember]? = room.lock.withLock { room.isClosed ? nil : Array(room.members.values) }
        return members?.map {
            MemberDetail(
                name: $0.name, remoteAddress: $0.remoteAddress, connectedSince: $0.connectedAt,
                rooms: $0.roomNames, queuedBytes: $0.connection.queuedBytes)
        }.sorted { $0.name < $1.name }
    }

    /// The WebSocket connection of the user called `name`, if connected here.
    package func connection(of name: String) -> WebSocketConnection? {
        self.names.member(exactly: name)?.connection as? WebSocketConnection
    }

    /// Number of rooms.
    public var roomCount: Int { self.directory.count }

    // MARK: Sending (the `Locked` ones must run with the room's lock held)

    /// Takes `member` out of `room` (locked by the caller), nothing more: no presence, the room stays.
    package func dropMemberLocked(_ member: ChatMember, from room: Room) {
        room.members[member.name] = nil
        member.didLeave(room)
        room.memberLeftLocked(member.name)
    }

    /// A leave carried out here (always with the local backend; with a shared one while it cannot be reached):
    /// answered at once with the `seq` this server knows, the others here see the member go, and the last one
    /// out closes the room.
    package func leaveHereLocked(_ member: ChatMember, room: Room, id: String?) -> [ChatMember] {
        let seq = room.seq
        room.pendingLeaves[member.name] = nil
        self.dropMemberLocked(member, from: room)
        let overflowed =
            self.closeIfIdleLocked(room)
            ? [] : self.fanOutLocked(.presence(room: room.name, name: member.name, event: .leave), in: room)
        self.sendLocked(.left(room: room.name, seq: seq, id: id), to: member)
        return overflowed
    }

    /// Closes `room` (locked by the caller) and removes it from the directory if it has no member and no join
    /// pending; `true` when it is closed.
    @discardableResult
    package func closeIfIdleLocked(_ room: Room) -> Bool {
        guard room.members.isEmpty, room.pendingJoins == 0, !room.isClosed else { return room.isClosed }
        room.isClosed = true
        self.directory.remove(room)
        self.backend.roomClosed(room)
        return true
    }

    /// Encodes `frame` once, WebSocket header included, and queues the same bytes on every member of `room`.
    package func fanOutLocked(_ frame: ServerFrame, in room: Room) -> [ChatMember] {
        guard !room.members.isEmpty else { return [] }
        return self.queue(Self.encode(frame), kind: OutboundMessageKind(frame), to: room.members.values)
    }

    /// Fans out a room message just posted, counting its fan-out size and, for the sampled ones (by `seq`),
    /// timing its delivery from `receivedAt` to the last member's write.
    func postLocked(_ message: ChatMessage, in room: Room, receivedAt: NIODeadline) -> [ChatMember] {
        let probe = self.observer.roomMessage(seq: message.seq, receivedAt: receivedAt, members: room.members.count)
        return self.queue(Self.encode(.message(message)), kind: .message, to: room.members.values, probe: probe)
    }

    /// Queues one encoded text message on each of `targets` (the WebSocket frame around it is built here, once,
    /// and the same bytes go to every member) and counts the copies once; with a `probe`, each copy tells it
    /// when it is written. Returns the members whose queue was full. Takes no lock: to keep a room's order,
    /// call it with the room's lock held.
    package func queue<Members: Collection>(
        _ payload: ByteBuffer, kind: OutboundMessageKind = .message, to targets: Members, probe: DeliveryProbe? = nil
    ) -> [ChatMember] where Members.Element == ChatMember {
        let frame = WebSocketFrameBytes.serverText(payload)
        var overflowed: [ChatMember] = []
        var delivered = 0
        for member in targets {
            switch member.connection.send(encodedTextFrame: frame, observer: probe) {
            case .queued: delivered += 1
            case .queueFull: overflowed.append(member)
            case .closed: break
            }
        }
        probe?.fanOutFinished(queuedCopies: delivered)
        self.observer.queued(kind, copies: delivered, bytesEach: payload.readableBytes)
        return overflowed
    }

    /// Queues `frame` on `member` with a room's lock held: a slow consumer is closed at once (the close only
    /// queues a frame and a timer, so it is safe here).
    package func sendLocked(_ frame: ServerFrame, to member: ChatMember) {
        self.send(frame, to: member)
    }

    package func send(_ frame: ServerFrame, to member: ChatMember) {
        self.dropSlowConsumers(
            self.queue(Self.encode(frame), kind: OutboundMessageKind(frame), to: CollectionOfOne(member)))
    }

    package func sendError(_ code: ChatErrorCode, _ message: String, id: String?, to member: ChatMember) {
        self.observer.errorSent(code)
        self.send(.error(code: code, message: message, id: id), to: member)
    }

    package func dropSlowConsumers(_ members: [ChatMember]) {
        for member in members { self.closeSlowConsumer(member) }
    }

    func closeSlowConsumer(_ member: ChatMember) {
        let reason = "slow consumer: send queue full"
        if member.connection.close(code: WebSocketCloseCode.policyViolation, reason: reason, cause: .slowConsumer) {
            self.observer.slowConsumerDropped()
        }
    }

    package static func encode(_ frame: ServerFrame) -> ByteBuffer {
        ServerFrameJSON.encode(frame)
    }

    package static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}

/// A room as `GET /admin/rooms` lists it.
public struct RoomSummary: Codable, Sendable, Equatable {
    public var name: String
    public var members: Int
    /// The last `seq` assigned.
    public var seq: Int
    /// Messages kept in history.
    public var historySize: Int
}

/// A room member as `GET /admin/rooms/{room}/users` lists it.
public struct MemberDetail: Codable, Sendable, Equatable {
    public var name: String
    /// For operators only; never sent to chat users.
    public var remoteAddress: String
    public var connectedSince: Date
    public var rooms: [String]
    /// Payload bytes waiting in the member's send queue when asked (bounded by `--send-queue-bytes`).
    public var queuedBytes: Int? = nil
}
