import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The chat hub: who is connected, which rooms exist, who is in them, and the fan-out.
///
/// One lock guards all of it. Room messages get their `seq` and are queued on every member's connection
/// while the lock is held, so every member's queue sees a room's messages in `seq` order whatever thread
/// sent them. Queuing never waits for a socket: a member whose queue is full is a slow consumer and is
/// disconnected (1008) after the lock is released; the others are not slowed down.
public final class ChatHub: @unchecked Sendable {
    let lock = NIOLock()
    var members: [String: ChatMember] = [:]
    /// The name registry: the ``NameKey`` of each member's name, to that name. Two names that look alike have
    /// one key, so only one of them can be connected.
    var memberNames: [String: String] = [:]
    /// Name keys promised to connections whose upgrade is in flight, by channel.
    var reservations: [String: ObjectIdentifier] = [:]
    var rooms: [String: Room] = [:]
    let configuration: ServerConfiguration
    let stats: ServerStats
    /// The cluster this hub is part of (`--redis`); `nil` for a single node, which keeps every decision local.
    /// Set once, before the server accepts connections.
    private(set) var cluster: ClusterNode?
    /// Name keys Redis said another node has, and until when to believe it (hub lock): lets the HTTP answer to a
    /// refused upgrade say `409 name_taken`.
    var namesTakenElsewhere: [String: NIODeadline] = [:]

    init(configuration: ServerConfiguration, stats: ServerStats) {
        self.configuration = configuration
        self.stats = stats
    }

    /// Makes this hub one node of a cluster. Call before the server accepts connections.
    func useCluster(_ cluster: ClusterNode) {
        self.cluster = cluster
    }

    // MARK: Names

    /// Whether `name`, or a name that looks like it (same ``NameKey``), is in use or promised to a connection
    /// being upgraded.
    public func isNameTaken(_ name: String) -> Bool {
        let key = NameKey.of(name)
        return self.lock.withLock {
            if self.memberNames[key] != nil || self.reservations[key] != nil { return true }
            guard let until = self.namesTakenElsewhere[key] else { return false }
            if until > .now() { return true }
            self.namesTakenElsewhere[key] = nil
            return false
        }
    }

    /// Promises `name` (its ``NameKey``) to `channel` until it attaches or closes; `false` when the name, or one
    /// that looks like it, is taken.
    func reserve(_ name: String, for channel: Channel) -> Bool {
        let key = NameKey.of(name)
        let reserved: Bool = self.lock.withLock {
            if self.memberNames[key] != nil || self.reservations[key] != nil { return false }
            self.reservations[key] = ObjectIdentifier(channel)
            return true
        }
        if reserved {
            let id = ObjectIdentifier(channel)
            channel.closeFuture.whenComplete { _ in
                let abandoned: Bool = self.lock.withLock {
                    guard self.reservations[key] == id else { return false }
                    self.reservations[key] = nil
                    return true
                }
                // The upgrade never completed: free the name in the cluster too.
                if abandoned { self.cluster?.release(nameKey: key) }
            }
        }
        return reserved
    }

    /// The member called `name`, or else the one whose name looks like it (hub lock).
    func memberLocked(named name: String) -> ChatMember? {
        if let member = self.members[name] { return member }
        return self.memberNames[NameKey.of(name)].flatMap { self.members[$0] }
    }

    // MARK: Connections

    /// Registers a member whose WebSocket just opened, sends `welcome`, and joins `room` if given.
    func attach(_ member: ChatMember, initialRoom: String?) {
        self.lock.withLock {
            self.reservations[member.nameKey] = nil
            self.members[member.name] = member
            self.memberNames[member.nameKey] = member.name
            // Queued under the lock so that nothing (a whisper) can reach the member before its welcome.
            self.sendLocked(.welcome(name: member.name), to: member)
        }
        if let initialRoom {
            self.handle(.join(room: initialRoom, id: nil), from: member)
        }
    }

    /// Removes a member whose connection closed: it leaves every room, and the others see it go.
    func detach(_ member: ChatMember) {
        if let cluster = self.cluster { return self.clusterDetach(member, cluster: cluster) }
        let overflowed: [ChatMember] = self.lock.withLock {
            guard self.members[member.name] === member else { return [] }
            self.members[member.name] = nil
            self.memberNames[member.nameKey] = nil
            var overflowed: [ChatMember] = []
            for roomName in member.rooms.sorted() {
                overflowed += self.removeLocked(member, from: roomName)
            }
            member.rooms.removeAll()
            return overflowed
        }
        self.dropSlowConsumers(overflowed)
    }

    // MARK: Requests

    /// Carries out one client request; `receivedAt` is when it arrived (delivery timing of sampled messages).
    func handle(_ frame: ClientFrame, from member: ChatMember, receivedAt: NIODeadline = .now()) {
        if let cluster = self.cluster { return self.clusterHandle(frame, from: member, cluster: cluster) }
        switch frame {
        case .join(let room, let id): self.join(member, room: room, id: id)
        case .leave(let room, let id): self.leave(member, room: room, id: id)
        case .say(let room, let content, let id):
            self.say(member, room: room, content: content, id: id, receivedAt: receivedAt)
        case .whisper(let to, let content, let id): self.whisper(member, to: to, content: content, id: id)
        case .users(let room, let id): self.users(member, room: room, id: id)
        }
    }

    private func join(_ member: ChatMember, room roomName: String, id: String?) {
        if let problem = NameRules.roomNameProblem(roomName) {
            return self.sendError(.invalidRoom, problem, id: id, to: member)
        }
        enum Outcome { case joined([ChatMember]), already, tooMany }
        let outcome: Outcome = self.lock.withLock {
            if member.rooms.contains(roomName) { return .already }
            if member.rooms.count >= self.configuration.maxRoomsPerConnection { return .tooMany }
            let room = self.rooms[roomName] ?? {
                let room = Room(name: roomName, historyCapacity: self.configuration.historySize)
                self.rooms[roomName] = room
                return room
            }()
            let overflowed = self.fanOutLocked(.presence(room: roomName, name: member.name, event: .join), in: room)
            room.members[member.name] = member
            member.rooms.insert(roomName)
            // Acknowledge and replay history inside the lock, so no message can slip in between.
            self.sendLocked(.joined(room: roomName, name: member.name, seq: room.seq, id: id), to: member)
            self.sendLocked(.history(room: roomName, messages: Array(room.history), id: id), to: member)
            return .joined(overflowed)
        }
        switch outcome {
        case .joined(let overflowed): self.dropSlowConsumers(overflowed)
        case .already: self.sendError(.alreadyInRoom, "already in room \"\(roomName)\"", id: id, to: member)
        case .tooMany:
            self.sendError(
                .tooManyRooms, "already in \(self.configuration.maxRoomsPerConnection) rooms", id: id, to: member)
        }
    }

    private func leave(_ member: ChatMember, room roomName: String, id: String?) {
        let overflowed: [ChatMember]? = self.lock.withLock {
            guard member.rooms.contains(roomName), let room = self.rooms[roomName] else { return nil }
            let seq = room.seq
            let overflowed = self.removeLocked(member, from: roomName)
            member.rooms.remove(roomName)
            self.sendLocked(.left(room: roomName, seq: seq, id: id), to: member)
            return overflowed
        }
        guard let overflowed else {
            return self.sendError(.notInRoom, "not in room \"\(roomName)\"", id: id, to: member)
        }
        self.dropSlowConsumers(overflowed)
    }

    private func say(
        _ member: ChatMember, room roomName: String, content: String, id: String?, receivedAt: NIODeadline
    ) {
        guard self.acceptsContent(content, id: id, from: member) else { return }
        let overflowed: [ChatMember]? = self.lock.withLock {
            guard member.rooms.contains(roomName), let room = self.rooms[roomName] else { return nil }
            let message = room.post(from: member.name, content: content, id: id, ts: Self.nowMilliseconds())
            return self.postLocked(message, in: room, receivedAt: receivedAt)
        }
        guard let overflowed else {
            return self.sendError(.notInRoom, "not in room \"\(roomName)\"", id: id, to: member)
        }
        self.dropSlowConsumers(overflowed)
    }

    private func whisper(_ member: ChatMember, to name: String, content: String, id: String?) {
        guard self.acceptsContent(content, id: id, from: member) else { return }
        let overflowed: [ChatMember]? = self.lock.withLock {
            guard let recipient = self.memberLocked(named: name) else { return nil }
            let whisper = WhisperMessage(
                from: member.name, to: recipient.name, content: content, id: id, ts: Self.nowMilliseconds())
            let buffer = Self.encode(.whisper(whisper))
            let targets = recipient === member ? [member] : [recipient, member]
            return self.queueLocked(buffer, kind: .whisper, to: targets)
        }
        guard let overflowed else {
            return self.sendError(.unknownUser, "no user named \"\(name)\" is connected", id: id, to: member)
        }
        self.dropSlowConsumers(overflowed)
    }

    /// Whether `content` is within the size limit; answers `too_long` when it is not.
    func acceptsContent(_ content: String, id: String?, from member: ChatMember) -> Bool {
        guard content.utf8.count > self.configuration.maxContentBytes else { return true }
        self.sendError(.tooLong, "content is longer than \(self.configuration.maxContentBytes) bytes", id: id, to: member)
        return false
    }

    private func users(_ member: ChatMember, room roomName: String, id: String?) {
        let found: Bool = self.lock.withLock {
            guard member.rooms.contains(roomName), let room = self.rooms[roomName] else { return false }
            // Sent under the lock, so the list is in order with the presence frames around it.
            self.sendLocked(.users(room: roomName, names: room.sortedMemberNames, id: id), to: member)
            return true
        }
        if !found {
            self.sendError(.notInRoom, "not in room \"\(roomName)\"", id: id, to: member)
        }
    }

    // MARK: Operator actions

    /// Posts an announcement from `@system` to an existing room; `nil` when the room does not exist.
    ///
    /// In cluster mode this only looks at this node's rooms; HTTP uses ``announce(room:content:on:)``.
    public func announce(room roomName: String, content: String) -> ChatMessage? {
        let receivedAt = NIODeadline.now()
        let result: (ChatMessage, [ChatMember])? = self.lock.withLock {
            guard let room = self.rooms[roomName] else { return nil }
            let message = room.post(from: NameRules.systemSender, content: content, id: nil, ts: Self.nowMilliseconds())
            return (message, self.postLocked(message, in: room, receivedAt: receivedAt))
        }
        guard let (message, overflowed) = result else { return nil }
        self.dropSlowConsumers(overflowed)
        return message
    }

    /// Closes a user's connection with 1008 and `reason`; `false` when no such user is connected.
    public func kick(_ name: String, reason: String) -> Bool {
        guard let member = self.lock.withLock({ self.members[name] }) else { return false }
        member.connection.close(code: WebSocketCloseCode.policyViolation, reason: reason, cause: .kicked)
        return true
    }

    /// Rooms with their member count and last `seq`, sorted by name.
    public func roomSummaries() -> [RoomSummary] {
        self.lock.withLock {
            self.rooms.values.map {
                RoomSummary(name: $0.name, members: $0.members.count, seq: $0.seq, historySize: $0.history.count)
            }
        }.sorted { $0.name < $1.name }
    }

    /// Members of a room with what operators may see of them; `nil` when the room does not exist.
    public func memberDetails(room roomName: String) -> [MemberDetail]? {
        self.lock.withLock {
            self.rooms[roomName].map { room in
                room.members.values.map {
                    MemberDetail(
                        name: $0.name, remoteAddress: $0.remoteAddress, connectedSince: $0.connectedAt,
                        rooms: $0.rooms.sorted(), queuedBytes: $0.connection.queuedBytes)
                }
            }
        }?.sorted { $0.name < $1.name }
    }

    /// The connection of the user called `name`, if connected here.
    func connection(of name: String) -> WebSocketConnection? {
        self.lock.withLock { self.members[name]?.connection }
    }

    /// Number of rooms.
    public var roomCount: Int { self.lock.withLock { self.rooms.count } }

    // MARK: Sending (the `Locked` ones must run with the lock held)

    func removeLocked(_ member: ChatMember, from roomName: String) -> [ChatMember] {
        guard let room = self.rooms[roomName] else { return [] }
        room.members[member.name] = nil
        if room.members.isEmpty {
            self.rooms[roomName] = nil
            return []
        }
        return self.fanOutLocked(.presence(room: roomName, name: member.name, event: .leave), in: room)
    }

    /// Encodes `frame` once, WebSocket header included, and queues the same bytes on every member of `room`.
    func fanOutLocked(_ frame: ServerFrame, in room: Room) -> [ChatMember] {
        guard !room.members.isEmpty else { return [] }
        return self.queueLocked(Self.encode(frame), kind: OutboundMessageKind(frame), to: room.members.values)
    }

    /// Fans out a room message just posted, counting its fan-out size and, for the sampled ones (by `seq`),
    /// timing its delivery from `receivedAt` to the last member's write.
    private func postLocked(_ message: ChatMessage, in room: Room, receivedAt: NIODeadline) -> [ChatMember] {
        let targets = room.members.count
        self.stats.metrics.fannedOut(members: targets)
        let probe = self.stats.metrics.deliveryProbe(seq: message.seq, receivedAt: receivedAt, targets: targets)
        return self.queueLocked(Self.encode(.message(message)), kind: .message, to: room.members.values, probe: probe)
    }

    /// Queues one encoded text message on each of `targets` (the WebSocket frame around it is built here, once,
    /// and the same bytes go to every member) and counts the copies once; with a `probe`, each copy tells it
    /// when it is written. Returns the members whose queue was full.
    func queueLocked<Members: Collection>(
        _ payload: ByteBuffer, kind: OutboundMessageKind = .message, to targets: Members, probe: DeliveryProbe? = nil
    ) -> [ChatMember] where Members.Element == ChatMember {
        let frame = WebSocketFrameBytes.serverText(payload)
        var overflowed: [ChatMember] = []
        var delivered = 0
        for member in targets {
            let result =
                if let probe {
                    member.connection.send(encodedTextFrame: frame, observer: probe)
                } else {
                    member.connection.send(encodedTextFrame: frame)
                }
            switch result {
            case .queued: delivered += 1
            case .queueFull: overflowed.append(member)
            case .closed: break
            }
        }
        probe?.fanOutFinished(queuedCopies: delivered)
        self.stats.queued(kind, copies: delivered, bytesEach: payload.readableBytes)
        return overflowed
    }

    func sendLocked(_ frame: ServerFrame, to member: ChatMember) {
        let overflowed = self.queueLocked(
            Self.encode(frame), kind: OutboundMessageKind(frame), to: CollectionOfOne(member))
        // The lock is held: the close only queues a frame and a timer, so it is safe here.
        for member in overflowed { self.closeSlowConsumer(member) }
    }

    func send(_ frame: ServerFrame, to member: ChatMember) {
        self.dropSlowConsumers(
            self.queueLocked(Self.encode(frame), kind: OutboundMessageKind(frame), to: CollectionOfOne(member)))
    }

    func sendError(_ code: ChatErrorCode, _ message: String, id: String?, to member: ChatMember) {
        self.stats.countError(code)
        self.send(.error(code: code, message: message, id: id), to: member)
    }

    func dropSlowConsumers(_ members: [ChatMember]) {
        for member in members { self.closeSlowConsumer(member) }
    }

    func closeSlowConsumer(_ member: ChatMember) {
        let reason = "slow consumer: send queue full"
        if member.connection.close(code: WebSocketCloseCode.policyViolation, reason: reason, cause: .slowConsumer) {
            self.stats.slowConsumerDropped()
        }
    }

    static func encode(_ frame: ServerFrame) -> ByteBuffer {
        ServerFrameJSON.encode(frame)
    }

    static func nowMilliseconds() -> Int64 {
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
