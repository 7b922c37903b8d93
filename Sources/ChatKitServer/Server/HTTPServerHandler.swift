import ChatKitWebSocket
import Foundation
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
    /// The answer decided from the request's head alone (wrong host, admin request without a valid token), given
    /// at `.end` when the request has no body.
    private var refusal: HTTPResponse?
    /// A refusal went out before the request's body was read: the rest of the request is discarded until the
    /// connection closes.
    private var discarding = false
    /// Disarmed in O(1) when the request is complete (``LoopTimer``).
    private var requestTimer: LoopTimer?
    private var answeredParserError = false
    /// Set by the upgrader when the connection or handshake limits refused this request's upgrade
    /// (``ConnectionAdmission``): the answer to give instead of the route's.
    private let admissionRefusal: NIOLoopBoundBox<HTTPRejection?>?
    /// Counts refused upgrades: every request asking for a WebSocket that gets an answer here did not get its 101.
    private let stats: ServerStats

    init(server: ServerContext, admissionRefusal: NIOLoopBoundBox<HTTPRejection?>? = nil) {
        self.routes = HTTPRoutes(server: server)
        self.stats = server.stats
        self.configuration = server.configuration
        self.admissionRefusal = admissionRefusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.armRequestTimer(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.requestTimer?.disarm()
        self.requestTimer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.discarding else { return }
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = nil
            self.bodyTooLarge = false
            self.refusal = self.refusalBeforeBody(head)
            if let refusal = self.refusal, Self.hasBody(head) {
                // Refused from the head alone: answer now, never read the body.
                self.refuseEarly(refusal, for: head, context: context)
            }
        case .body(var chunk):
            guard !self.bodyTooLarge, self.refusal == nil else { return }
            if (self.body?.readableBytes ?? 0) + chunk.readableBytes > self.configuration.maxRequestBodyBytes {
                // The running total of a chunked body passed the limit: answer now, read no more.
                self.bodyTooLarge = true
                self.body = nil
                if let head = self.head { self.refuseEarly(self.bodyTooLargeResponse, for: head, context: context) }
            } else if self.body == nil {
                self.body = chunk
            } else {
                self.body?.writeBuffer(&chunk)
            }
        case .end:
            guard let head = self.head else { return }
            self.requestTimer?.disarm()
            self.requestTimer = nil
            if let refusal = self.refusal {
                self.head = nil
                self.refusal = nil
                // Refusals for a wrong host or for load (503, 429) close the connection: its descriptor is wanted.
                let keepAlive = head.isKeepAlive
                    && ![.misdirectedRequest, .serviceUnavailable, .tooManyRequests].contains(refusal.status)
                return self.write(refusal, for: head, keepAlive: keepAlive, context: context)
            }
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
            let response =
                self.bodyTooLarge ? self.bodyTooLargeResponse : self.routes.respond(to: head, body: self.body)
            self.head = nil
            self.body = nil
            self.write(response, for: head, keepAlive: head.isKeepAlive && !self.bodyTooLarge, context: context)
        }
    }

    private var bodyTooLargeResponse: HTTPResponse {
        .error(.payloadTooLarge, "body_too_large", "request body over \(self.configuration.maxRequestBodyBytes) bytes")
    }

    /// What the request gets whatever its body: 421 for a host that is not allowed (before any route), 429/503 for
    /// an upgrade the connection limits refused, 401/404 for an admin request without a valid token, 413 for a
    /// `Content-Length` over the limit; `nil` otherwise.
    private func refusalBeforeBody(_ head: HTTPRequestHead) -> HTTPResponse? {
        let allowedHosts = AllowedHosts(configuration: self.configuration)
        if let rejection = UpgradeValidation.hostRejection(head, allowedHosts: allowedHosts) {
            return HTTPResponse(rejection)
        }
        if let rejection = self.admissionRefusal?.value {
            // The upgrader refused this very request for the limits, just before passing it on.
            self.admissionRefusal?.value = nil
            return HTTPResponse(rejection)
        }
        if let refusal = self.routes.adminRefusal(head) { return refusal }
        let lengths = head.headers["Content-Length"].compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if let length = lengths.max(), length > self.configuration.maxRequestBodyBytes {
            return self.bodyTooLargeResponse
        }
        return nil
    }

    /// Whether a body follows the head (a positive `Content-Length`, or chunked).
    private static func hasBody(_ head: HTTPRequestHead) -> Bool {
        if head.headers["Transfer-Encoding"].contains(where: { $0.lowercased().contains("chunked") }) { return true }
        return head.headers["Content-Length"].contains { (Int($0.trimmingCharacters(in: .whitespaces)) ?? 1) > 0 }
    }

    /// Answers `response` before the request's body has arrived, then closes without reading the rest. The
    /// sending side is shut first and what still arrives is discarded for a moment (a "lingering close"), so the
    /// client reads the answer instead of a connection reset; the connection is closed within a second.
    private func refuseEarly(_ response: HTTPResponse, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        self.discarding = true
        self.requestTimer?.disarm()
        self.requestTimer = nil
        self.head = nil
        self.body = nil
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Cache-Control", value: response.cacheControl)
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.add(name: "Connection", value: "close")
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(Self.wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
            channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Other errors here are refused upgrades, which the request that follows explains.
        // NIO's decoder can report one bad request line twice (`HTTP/2.0`: once itself, once when the parser
        // stops); the client gets one answer. Found by the FuzzHTTP target
        // (Tests/fuzz/corpus/FuzzHTTP/regression-http2-double-400.bin).
        // After an early refusal the rest of the request is not read, so it is not answered either.
        guard let parserError = error as? HTTPParserError, !self.answeredParserError, !self.discarding else { return }
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
        if request.headers[canonicalForm: "upgrade"].contains(where: { $0.lowercased() == "websocket" }) {
            self.stats.upgradeRefused(code: response.errorCode ?? "http_\(response.status.code)")
        }
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
