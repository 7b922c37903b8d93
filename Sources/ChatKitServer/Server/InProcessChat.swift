import Atomics
import ChatKitChat
import ChatKitWebSocket
import NIOConcurrencyHelpers
import NIOCore

/// A chat hub whose members live in this process and count what they receive: the hub measured without
/// sockets (`make bench`'s hub case, Sources/Bench/HubBench). Every request goes through the same hub code as
/// a server's; only the WebSocket connection is replaced by a counter.
@_spi(Benchmarks)
public final class InProcessChat: Sendable {
    let hub: ChatHub
    private let stats = ServerStats()

    /// A hub with `configuration`'s limits (its network settings are ignored), counting what it does in a
    /// server's stats, as a server's hub does.
    public init(configuration: ServerConfiguration = ServerConfiguration()) {
        self.hub = ChatHub(limits: ChatLimits(configuration), observer: self.stats)
    }

    /// Connects a member called `name` (it gets its `welcome`); `nil` when the name, or one that looks like it,
    /// is taken.
    public func connect(_ name: String) -> InProcessMember? {
        let connection = CountingConnection()
        guard self.hub.names.reserve(key: NameKey.of(name), for: ObjectIdentifier(connection)) else { return nil }
        let member = ChatMember(name: name, connection: connection)
        self.hub.attach(member, initialRoom: nil)
        return InProcessMember(hub: self.hub, member: member, connection: connection)
    }

    /// Number of rooms.
    public var roomCount: Int { self.hub.roomCount }

    /// Copies queued to members so far, and their payload bytes, as the server's stats count them.
    public var copiesQueued: (messages: Int, bytes: Int) {
        let snapshot = self.stats.snapshot
        return (snapshot.messagesOut, snapshot.bytesOut)
    }
}

/// One member of an ``InProcessChat``: sends requests as a client would and counts the frames it receives.
@_spi(Benchmarks)
public final class InProcessMember: Sendable {
    private let hub: ChatHub
    private let member: ChatMember
    private let connection: CountingConnection

    init(hub: ChatHub, member: ChatMember, connection: CountingConnection) {
        self.hub = hub
        self.member = member
        self.connection = connection
    }

    /// The member's name.
    public var name: String { self.member.name }

    /// Joins `room`.
    public func join(_ room: String) {
        self.hub.handle(.join(room: room, id: nil), from: self.member)
    }

    /// Leaves `room`.
    public func leave(_ room: String) {
        self.hub.handle(.leave(room: room, id: nil), from: self.member)
    }

    /// Says `content` in `room`.
    public func say(_ content: String, in room: String) {
        self.hub.handle(.say(room: room, content: content, id: nil), from: self.member)
    }

    /// Whispers `content` to `name`.
    public func whisper(_ content: String, to name: String) {
        self.hub.handle(.whisper(to: name, content: content, id: nil), from: self.member)
    }

    /// Disconnects: the member leaves its rooms and its name is free again.
    public func disconnect() {
        self.connection.close(code: WebSocketCloseCode.normal, reason: "", cause: nil)
        self.hub.detach(self.member)
    }

    /// Frames received so far (every kind: welcome, joined, history, messages, presence, errors).
    public var framesReceived: Int { self.connection.frames.load(ordering: .relaxed) }

    /// Bytes of those frames, WebSocket headers included.
    public var bytesReceived: Int { self.connection.bytes.load(ordering: .relaxed) }
}

/// A member's connection that only counts what it is sent: it never fills up, and writes everything at once.
final class CountingConnection: ChatConnection {
    let frames = ManagedAtomic<Int>(0)
    let bytes = ManagedAtomic<Int>(0)
    private let closed = ManagedAtomic<Bool>(false)

    func send(encodedTextFrame frame: ByteBuffer, observer: (any WebSocketWriteObserver)?) -> WebSocketSendResult {
        guard !self.closed.load(ordering: .relaxed) else { return .closed }
        self.frames.wrappingIncrement(ordering: .relaxed)
        self.bytes.wrappingIncrement(by: frame.readableBytes, ordering: .relaxed)
        observer?.messageWritten()
        return .queued
    }

    @discardableResult
    func close(code: UInt16, reason: String, cause: WebSocketCloseCause?) -> Bool {
        self.closed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
    }

    var queuedBytes: Int { 0 }

    var remoteAddress: SocketAddress? { nil }
}
