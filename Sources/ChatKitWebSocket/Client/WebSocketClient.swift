import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A WebSocket client connection (RFC 6455, frames masked) with its incoming messages as an `AsyncSequence`.
/// `wss://` URLs need a ``ClientTLSProvider`` in ``ClientConfiguration/tls`` (ChatKitTLS has one).
///
/// ```swift
/// let client = try await WebSocketClient.connect(to: "ws://127.0.0.1:8080/ws?name=alice")
/// try client.send(text: #"{"type":"join","room":"lobby"}"#)
/// for await event in client.events { print(event) }
/// ```
public final class WebSocketClient: Sendable {
    /// The underlying connection (send from any thread).
    public let connection: WebSocketConnection
    /// Incoming messages, then one `.closed` event.
    public let events: AsyncStream<WebSocketEvent>
    /// The subprotocol the server chose, if any.
    public let subprotocol: String?

    private init(connection: WebSocketConnection, events: AsyncStream<WebSocketEvent>, subprotocol: String?) {
        self.connection = connection
        self.events = events
        self.subprotocol = subprotocol
    }

    /// Connects and completes the handshake; throws a ``WebSocketClientError`` saying what went wrong.
    public static func connect(
        to url: String,
        configuration: ClientConfiguration = ClientConfiguration(),
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> WebSocketClient {
        let parsed = try WebSocketURL(url)
        let (stream, continuation) = AsyncStream.makeStream(of: WebSocketEvent.self)
        let opened = try await Self.connect(
            to: parsed, configuration: configuration, eventLoop: group.next(),
            makeDelegate: { StreamDelegate(continuation: continuation) }
        ).get()
        return WebSocketClient(connection: opened.connection, events: stream, subprotocol: opened.subprotocol)
    }

    /// Queues a text message; throws when the queue is full or the connection is closed.
    public func send(text: String) throws {
        try Self.check(self.connection.send(text: text))
    }

    /// Queues a binary message; throws when the queue is full or the connection is closed.
    public func send(binary: ByteBuffer) throws {
        try Self.check(self.connection.send(binary: binary))
    }

    private static func check(_ result: WebSocketSendResult) throws {
        switch result {
        case .queued: return
        case .queueFull: throw WebSocketClientError.sendQueueFull
        case .closed: throw WebSocketClientError.closed
        }
    }

    /// Starts the close handshake and waits until the TCP connection is closed.
    public func close(code: UInt16 = WebSocketCloseCode.normal, reason: String = "") async {
        self.connection.close(code: code, reason: reason)
        try? await self.connection.closeFuture.get()
    }

    /// A connection that has completed its handshake.
    public struct Opened: Sendable {
        public var connection: WebSocketConnection
        public var subprotocol: String?
    }

    /// Connects on `eventLoop` and hands messages to the delegate `makeDelegate` builds on that loop: the
    /// callback form that load generators use to run thousands of connections without a task each.
    public static func connect(
        to url: WebSocketURL,
        configuration: ClientConfiguration,
        eventLoop: EventLoop,
        makeDelegate: @escaping @Sendable () -> WebSocketDelegate
    ) -> EventLoopFuture<Opened> {
        let upgraded = eventLoop.makePromise(of: Opened.self)
        // TLS for wss:// only, and never a silent fallback to plaintext.
        let tls = url.isSecure ? configuration.tls : nil
        if url.isSecure && tls == nil {
            upgraded.fail(WebSocketClientError.tlsNotConfigured(url.description))
            return upgraded.futureResult
        }
        // Set once a valid 101 arrived. A server that answers, sends and closes at once can have its close seen
        // before NIO's upgrade handler has replayed the buffered frames into the new pipeline: the upgrade then
        // still completes (and the delegate gets the frames, then the close), so the close must not fail it.
        let upgradeAccepted = NIOLockedValueBox(false)
        let requestKey = NIOWebSocketClientUpgrader.randomRequestKey()
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Synchronously (`channelOption`s are a chain of futures per connection); NIO's read count.
                    try ConnectionChannelOptions.apply(to: channel, maxMessagesPerRead: nil)
                    try tls?.addTLSHandlers(to: channel, serverHostname: url.tlsServerHostname)
                    // Frames that arrive with the 101 and the end of TCP: the frames first (UpgradeCloseDeferral).
                    let deferral = UpgradeCloseDeferral()
                    try channel.pipeline.syncOperations.addHandler(deferral)
                    let loopDeferral = NIOLoopBound(deferral, eventLoop: channel.eventLoop)
                    let upgrader = WebSocketClientUpgrader(
                        requestKey: requestKey,
                        maxFrameSize: configuration.webSocket.maxMessageBytes,
                        accepted: {
                            upgradeAccepted.withLockedValue { $0 = true }
                            loopDeferral.value.upgradeAccepted()
                        },
                        ended: { loopDeferral.value.upgradeEnded() },
                        setUp: { channel, response in
                            channel.eventLoop.makeCompletedFuture {
                                let collector = try channel.pipeline.syncOperations.handler(type: HandshakeResponseHandler.self)
                                channel.pipeline.syncOperations.removeHandler(collector, promise: nil)
                                let handler = WebSocketHandler(
                                    role: .client, configuration: configuration.webSocket, delegate: makeDelegate())
                                try channel.pipeline.syncOperations.addHandler(handler)
                                if let connection = handler.connection {
                                    let subprotocol = response.headers.first(name: "Sec-WebSocket-Protocol")
                                    upgraded.succeed(Opened(connection: connection, subprotocol: subprotocol))
                                }
                            }
                        }
                    )
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        HandshakeResponseHandler(promise: upgraded, url: url, tls: tls))
                }
            }

        // The timeout is never cancelled (NIO's cancel scans every task scheduled on the loop: thousands of users
        // connecting made that quadratic); once the connection is settled it finds nothing left to fail.
        let pending = NIOLockedValueBox<EventLoopPromise<Opened>?>(upgraded)
        eventLoop.scheduleTask(in: configuration.connectTimeout) {
            pending.withLockedValue { $0 }?.fail(WebSocketClientError.connectTimeout(url.description))
        }
        // An IP address needs no resolver: NIO's resolves every host name with getaddrinfo on a Dispatch queue,
        // which for thousands of simulated users means as many queue items and extra threads.
        let connected = if let address = try? SocketAddress(ipAddress: url.host, port: url.port) {
            bootstrap.connect(to: address)
        } else {
            bootstrap.connect(host: url.host, port: url.port)
        }
        connected.whenComplete { result in
            switch result {
            case .failure(let error):
                upgraded.fail(WebSocketClientError.unreachable(
                    url: url.description, reason: ConnectErrorDescription.describe(error)))
            case .success(let channel):
                upgraded.futureResult.whenFailure { _ in channel.close(promise: nil) }
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: url.hostHeader)
                if !configuration.subprotocols.isEmpty {
                    headers.add(name: "Sec-WebSocket-Protocol", value: configuration.subprotocols.joined(separator: ", "))
                }
                for (name, value) in configuration.headers { headers.add(name: name, value: value) }
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.requestTarget, headers: headers)
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                channel.closeFuture.whenComplete { _ in
                    guard !upgradeAccepted.withLockedValue({ $0 }) else { return }
                    upgraded.fail(WebSocketClientError.handshakeFailed(WebSocketClientError.closedDuringHandshake))
                }
            }
        }
        upgraded.futureResult.whenComplete { _ in pending.withLockedValue { $0 = nil } }
        return upgraded.futureResult
    }
}
