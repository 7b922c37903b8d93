import ChatKitChat
import ChatKitCluster
import ChatKitWebSocket
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A chat server: WebSocket chat on `/ws`, health on `/healthz` and `/readyz`, the admin API under `/admin/`,
/// all on one port; all over TLS when ``ServerConfiguration/tls`` is set.
///
/// ```swift
/// let server = try await ChatServer.start(configuration: ServerConfiguration(port: 0))
/// print(server.url)           // ws://127.0.0.1:PORT/ws
/// try await server.shutdown() // close 1001 to everyone, then stop
/// ```
public final class ChatServer: Sendable {
    /// The address the server listens on.
    public let localAddress: SocketAddress
    /// The counters behind `/healthz` and `/admin/stats`.
    public var stats: ServerStats { self.context.stats }
    /// The Prometheus metrics behind `/metrics`, in this server's own registry.
    public var metrics: ChatMetrics { self.context.stats.metrics }
    /// The hub, for embedding programs that want to announce or kick without HTTP.
    public var hub: ChatHub { self.context.hub }
    /// The connection counts and rate buckets per peer address behind the connection and join limits.
    var admission: ConnectionAdmission { self.context.admission }

    private let context: ServerContext
    private let group: EventLoopGroup
    private let ownsGroup: Bool
    private let serverChannel: Channel
    private let children: ChildChannels
    let logger: Logger
    /// Gives memory back to the system after connections close (``ServerConfiguration/memoryTrimInterval``).
    let memoryTrimmer: MemoryTrimmer

    private init(context: ServerContext, group: EventLoopGroup, ownsGroup: Bool, serverChannel: Channel,
                 localAddress: SocketAddress, children: ChildChannels, logger: Logger) {
        self.context = context
        self.group = group
        self.ownsGroup = ownsGroup
        self.serverChannel = serverChannel
        self.children = children
        self.logger = logger
        self.localAddress = localAddress
        self.memoryTrimmer = MemoryTrimmer(stats: context.stats)
        if let interval = context.configuration.memoryTrimInterval {
            self.memoryTrimmer.start(on: group.next(), interval: interval)
        }
    }

    /// The bound port (useful with `port: 0`).
    public var port: Int { self.localAddress.port ?? 0 }

    /// Whether the server speaks TLS (``ServerConfiguration/tls`` is set).
    public var isTLS: Bool { self.context.configuration.tls != nil }

    /// The WebSocket URL of the chat endpoint, e.g. `ws://127.0.0.1:8080/ws` (`wss://…` with TLS).
    public var url: String { "\(self.isTLS ? "wss" : "ws")://\(self.authority)/ws" }

    /// The base HTTP URL, e.g. `http://127.0.0.1:8080` (`https://…` with TLS).
    public var httpURL: String { "\(self.isTLS ? "https" : "http")://\(self.authority)" }

    /// `host:port` of the bound address, IPv6 in brackets.
    private var authority: String {
        let host = self.localAddress.ipAddress ?? "127.0.0.1"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(shownHost):\(self.port)"
    }

    /// Binds and starts serving. Pass a `group` to share event loops with other code; otherwise the server
    /// makes its own with `configuration.threads` threads and shuts it down with itself.
    public static func start(
        configuration: ServerConfiguration,
        group: EventLoopGroup? = nil,
        logger: Logger = Logger(label: "chatserver")
    ) async throws -> ChatServer {
        try configuration.validate()
        let ownsGroup = group == nil
        let group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        var cluster: ClusterNode?
        if let clusterConfiguration = configuration.cluster, configuration.mode == .chat {
            cluster = ClusterNode(
                configuration: clusterConfiguration, historyLimit: configuration.historySize, group: group,
                logger: logger)
        }
        let context = ServerContext(configuration: configuration, cluster: cluster)
        let children = ChildChannels()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Out of file descriptors (EMFILE, ENFILE), accept fails while the listening socket stays readable: without
            // a back-off the accepting loop spins at 100% CPU. NIO's handler pauses accepting for a second instead.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(shouldForwardIOErrorCaught: false))
                }
            }
            .childChannelInitializer { channel in
                children.insert(channel)
                return channel.eventLoop.makeCompletedFuture {
                    // Set here, synchronously: as `childChannelOption`s each would be a chain of futures per accepted
                    // connection.
                    try ConnectionChannelOptions.apply(to: channel)
                    // TLS first, so that every byte the HTTP and WebSocket handlers see was decrypted.
                    try configuration.tls?.addTLSHandlers(to: channel)
                    try Self.configureHTTP(channel: channel, context: context, logger: logger)
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            guard let localAddress = channel.localAddress else {
                try? await channel.close()
                throw ChannelError.unknownLocalAddress
            }
            // Serving starts degraded; the node becomes ready once Redis is reached (in the background).
            cluster?.start(hub: context.hub)
            return ChatServer(
                context: context, group: group, ownsGroup: ownsGroup, serverChannel: channel,
                localAddress: localAddress, children: children, logger: logger)
        } catch {
            if ownsGroup { try? await group.shutdownGracefully() }
            throw error
        }
    }

    /// Sets up a new connection's pipeline: NIO's HTTP codec with the WebSocket upgrader, then the server's
    /// HTTP handler. Package access so that the HTTP fuzz target runs the real pipeline on an `EmbeddedChannel`.
    package static func configureHTTP(channel: Channel, context: ServerContext, logger: Logger) throws {
        let configuration = context.configuration
        // What `shouldUpgrade` accepted, for `setUp` (both run on this channel's loop): the checks run once.
        let acceptedUpgrade = NIOLoopBoundBox<AcceptedUpgrade?>(nil, eventLoop: channel.eventLoop)
        // The admitted connection's place in the limits (given back when the channel closes), for `setUp`.
        let admitted = NIOLoopBoundBox<AdmissionTicket?>(nil, eventLoop: channel.eventLoop)
        // Why the limits refused the upgrade, for HTTPServerHandler to answer (the refusal has side effects, such
        // as a token taken, so it is not made again to explain it).
        let admissionRefusal = NIOLoopBoundBox<HTTPRejection?>(nil, eventLoop: channel.eventLoop)
        let upgrader = WebSocketServerUpgrader(
            maxFrameSize: configuration.webSocket.maxMessageBytes,
            shouldUpgrade: { channel, head in
                acceptedUpgrade.value = nil
                if context.isDraining.load(ordering: .relaxed) {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                // Refused by validation: the request goes on to HTTPServerHandler, which explains why.
                guard case .success(let accepted) = context.upgradeValidation.evaluate(head) else {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                // Valid: only now does it count against the connection and handshake limits.
                let ticket: AdmissionTicket
                switch context.admission.admit(from: channel.remoteAddress?.ipAddress) {
                case .failure(let rejection):
                    admissionRefusal.value = rejection
                    return channel.eventLoop.makeSucceededFuture(nil)
                case .success(let admittedTicket):
                    ticket = admittedTicket
                }
                channel.closeFuture.whenComplete { _ in ticket.release() }
                admitted.value = ticket
                acceptedUpgrade.value = accepted
                guard configuration.mode == .chat else { return channel.eventLoop.makeSucceededFuture(HTTPHeaders()) }
                guard context.hub.reserve(accepted.name, for: channel) else {
                    ticket.release()
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                // In a cluster the name must also be free on every other node (SET NX in Redis).
                return context.hub.claimName(accepted.name, for: channel).map { claimed in
                    if !claimed { ticket.release() }
                    return claimed ? HTTPHeaders() : nil
                }
            },
            setUp: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    guard let accepted = acceptedUpgrade.value else {
                        throw ChatServerError.upgradeRaced
                    }
                    let session: WebSocketDelegate
                    switch configuration.mode {
                    case .chat:
                        session = ChatSession(
                            name: accepted.name, initialRoom: accepted.room, hub: context.hub, stats: context.stats,
                            configuration: configuration, peerAddress: admitted.value?.address,
                            admission: context.admission)
                    case .broadcast:
                        session = BroadcastSession(room: context.broadcastRoom, stats: context.stats)
                    case .echo:
                        session = EchoSession(stats: context.stats)
                    }
                    let handler = WebSocketHandler(role: .server, configuration: configuration.webSocket, delegate: session)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    if let connection = handler.connection {
                        let id = ObjectIdentifier(connection)
                        context.webSockets.withLockedValue { $0[id] = connection }
                        channel.closeFuture.whenComplete { _ in
                            _ = context.webSockets.withLockedValue { $0.removeValue(forKey: id) }
                        }
                    }
                }
            }
        )
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
            withPipeliningAssistance: true,
            withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                context.pipeline.syncOperations.removeHandler(name: HTTPServerHandler.name, promise: nil)
            }),
            withErrorHandling: false
        )
        try channel.pipeline.syncOperations.addHandler(
            HTTPServerHandler(server: context, admissionRefusal: admissionRefusal), name: HTTPServerHandler.name)
    }

    /// Stops accepting, closes every chat connection with 1001, waits for them up to the configured
    /// deadline, drops what is left, and stops the event loops it owns.
    public func shutdown() async throws {
        try await self.shutdown(deadline: self.context.configuration.shutdownDeadline)
    }

    /// Like ``shutdown()``, waiting at most `deadline` for clients to answer the 1001 close (`.zero`: none).
    public func shutdown(deadline wait: TimeAmount) async throws {
        self.context.isDraining.store(true, ordering: .relaxed)
        self.memoryTrimmer.stop()
        try? await self.serverChannel.close()
        for connection in self.context.webSockets.withLockedValue({ Array($0.values) }) {
            connection.close(code: WebSocketCloseCode.goingAway, reason: "server shutting down", cause: .shutdown)
        }
        let deadline = NIODeadline.now() + wait
        let openChannels = self.children.all()
        for channel in openChannels where channel.isActive {
            let remaining = deadline - .now()
            guard remaining > .zero else { break }
            let timeout = channel.eventLoop.scheduleTask(in: remaining) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            timeout.cancel()
        }
        for channel in self.children.all() { try? await channel.close() }
        await self.context.cluster?.shutdown()
        if self.ownsGroup {
            try await self.group.shutdownGracefully()
        }
    }

    /// Cluster mode: whether this node reaches Redis and is in line with it (`/readyz` says `ready`); `nil` for a
    /// single node.
    public var isClusterReady: Bool? { self.context.cluster?.isReady }

    /// Cluster mode: this node's id; `nil` for a single node.
    public var clusterNodeID: String? { self.context.cluster?.nodeID }

    /// Completes when the listening socket is closed.
    public var onClose: EventLoopFuture<Void> { self.serverChannel.closeFuture }
}

/// Errors of the chat server.
public struct ChatServerError: Error, Sendable, CustomStringConvertible {
    private enum Kind { case upgradeRaced }
    private let kind: Kind
    /// An upgrade passed validation and then failed it on the second look.
    static let upgradeRaced = ChatServerError(kind: .upgradeRaced)
    public var description: String { "upgrade request changed during the upgrade" }
}

/// The accepted connections that are still open, so shutdown can wait for them.
private final class ChildChannels: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: Channel]>([:])

    func insert(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        self.channels.withLockedValue { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in
            self.channels.withLockedValue { $0[id] = nil }
        }
    }

    func all() -> [Channel] { self.channels.withLockedValue { Array($0.values) } }
}
