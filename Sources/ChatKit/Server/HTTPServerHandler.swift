import NIOCore
import NIOHTTP1

/// Serves plain HTTP requests on a connection that has not (yet) become a WebSocket, and drops connections
/// that take longer than the handshake timeout to send a complete request (slowloris).
final class HTTPServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "chat-http"

    private let routes: HTTPRoutes
    private let configuration: ServerConfiguration
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var bodyTooLarge = false
    /// Disarmed in O(1) when the request is complete (``LoopTimer``).
    private var requestTimer: LoopTimer?
    private var answeredParserError = false

    init(server: ServerContext) {
        self.routes = HTTPRoutes(server: server)
        self.configuration = server.configuration
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.armRequestTimer(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.requestTimer?.disarm()
        self.requestTimer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = nil
            self.bodyTooLarge = false
        case .body(var chunk):
            guard !self.bodyTooLarge else { return }
            if (self.body?.readableBytes ?? 0) + chunk.readableBytes > self.configuration.maxRequestBodyBytes {
                self.bodyTooLarge = true
                self.body = nil
            } else if self.body == nil {
                self.body = chunk
            } else {
                self.body?.writeBuffer(&chunk)
            }
        case .end:
            guard let head = self.head else { return }
            self.requestTimer?.disarm()
            self.requestTimer = nil
            if !self.bodyTooLarge,
                let deferred = self.routes.deferredResponse(to: head, body: self.body, on: context.eventLoop)
            {
                // Cluster mode: the answer waits for Redis. Nothing else is read meanwhile on this connection.
                self.head = nil
                self.body = nil
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                deferred.whenSuccess { response in
                    let (handler, context) = bound.value
                    handler.write(response, for: head, keepAlive: head.isKeepAlive, context: context)
                }
                return
            }
            let response = self.bodyTooLarge
                ? HTTPResponse.error(
                    .payloadTooLarge, "body_too_large", "request body over \(self.configuration.maxRequestBodyBytes) bytes")
                : self.routes.respond(to: head, body: self.body)
            self.head = nil
            self.body = nil
            self.write(response, for: head, keepAlive: head.isKeepAlive && !self.bodyTooLarge, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Other errors here are refused upgrades, which the request that follows explains.
        // NIO's decoder can report one bad request line twice (`HTTP/2.0`: once itself, once when the parser
        // stops); the client gets one answer. Found by the FuzzHTTP target
        // (Tests/fuzz/corpus/FuzzHTTP/regression-http2-double-400.bin).
        guard let parserError = error as? HTTPParserError, !self.answeredParserError else { return }
        self.answeredParserError = true
        // Malformed HTTP: the connection cannot continue. Say why (JSON, like every other error), then close.
        let response: HTTPResponse
        switch parserError {
        case .headerOverflow:
            response = .error(.init(statusCode: 431), "headers_too_large", "request headers are too large")
        default:
            response = .error(.badRequest, "bad_request", "malformed HTTP request: \(parserError)")
        }
        let head = self.head ?? HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        self.head = nil
        self.write(response, for: head, keepAlive: false, context: context)
    }

    private func write(_ response: HTTPResponse, for request: HTTPRequestHead, keepAlive: Bool,
                       context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Cache-Control", value: response.cacheControl)
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(Self.wrapOutboundOut(.end(nil)))
        if keepAlive {
            self.armRequestTimer(context: context)
        } else {
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in loopBoundContext.value.close(promise: nil) }
        }
    }

    /// The next complete request must arrive within the handshake timeout.
    private func armRequestTimer(context: ChannelHandlerContext) {
        self.requestTimer?.disarm()
        let channel = context.channel
        self.requestTimer = LoopTimer.schedule(on: context.eventLoop, in: self.configuration.handshakeTimeout) {
            channel.close(promise: nil)
        }
    }
}
