import NIOCore
import NIOHTTP1

/// Collects a refused handshake's response (status and body) so the caller learns why it was refused.
final class HandshakeResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<WebSocketClient.Opened>
    private let url: WebSocketURL
    /// The connection's TLS provider (`wss://`), which recognises its own handshake errors.
    private let tls: (any ClientTLSProvider)?
    private var status: Int?
    private var body = ""

    init(promise: EventLoopPromise<WebSocketClient.Opened>, url: WebSocketURL, tls: (any ClientTLSProvider)?) {
        self.promise = promise
        self.url = url
        self.tls = tls
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = Int(head.status.code)
        case .body(let buffer):
            if self.body.utf8.count < 4096 { self.body += String(buffer: buffer) }
        case .end:
            let status = self.status ?? 0
            if status == 101 {
                self.promise.fail(WebSocketClientError.handshakeFailed("invalid Sec-WebSocket-Accept in the 101 response"))
            } else {
                self.promise.fail(WebSocketClientError.handshakeRejected(status: status, body: self.body))
            }
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // The upgrade handler reports a refused upgrade as an error, then passes the response on: wait for it.
        if error is NIOHTTPClientUpgradeError { return }
        if let reason = self.tls?.describeTLSError(error) {
            self.promise.fail(WebSocketClientError.tlsHandshakeFailed(url: self.url.description, reason: reason))
        } else {
            self.promise.fail(WebSocketClientError.handshakeFailed("\(error)"))
        }
        context.close(promise: nil)
    }
}
