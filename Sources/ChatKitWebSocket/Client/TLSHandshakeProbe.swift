import NIOCore
import NIOPosix
import NIOTLS

/// Connects to a host and completes a TLS handshake, then closes: how a load run's pre-flight tells a
/// certificate problem (reported as "target unreachable") from a server that merely answers TCP.
public enum TLSHandshakeProbe {
    /// Succeeds once the handshake completed; throws ``WebSocketClientError/unreachable(url:reason:)`` when TCP
    /// fails, ``WebSocketClientError/tlsHandshakeFailed(url:reason:)`` when TLS does, and
    /// ``WebSocketClientError/connectTimeout(_:)`` after `timeout`.
    public static func run(_ url: WebSocketURL, tls: any ClientTLSProvider, timeout: TimeAmount) async throws {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let done = eventLoop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls.addTLSHandlers(to: channel, serverHostname: url.tlsServerHostname)
                    try channel.pipeline.syncOperations.addHandler(
                        HandshakeWaiter(promise: done, url: url, tls: tls))
                }
            }
        let timer = eventLoop.scheduleTask(in: timeout) {
            done.fail(WebSocketClientError.connectTimeout(url.description))
        }
        defer { timer.cancel() }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: url.host, port: url.port).get()
        } catch {
            done.fail(error)
            throw WebSocketClientError.unreachable(
                url: url.description, reason: ConnectErrorDescription.describe(error))
        }
        defer { channel.close(promise: nil) }
        try await done.futureResult.get()
    }

    /// Completes the promise on the handshake's outcome.
    private final class HandshakeWaiter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let promise: EventLoopPromise<Void>
        private let url: WebSocketURL
        private let tls: any ClientTLSProvider

        init(promise: EventLoopPromise<Void>, url: WebSocketURL, tls: any ClientTLSProvider) {
            self.promise = promise
            self.url = url
            self.tls = tls
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? TLSUserEvent, case .handshakeCompleted = event { self.promise.succeed(()) }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            let reason = self.tls.describeTLSError(error) ?? "\(error)"
            self.promise.fail(WebSocketClientError.tlsHandshakeFailed(url: self.url.description, reason: reason))
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.promise.fail(WebSocketClientError.tlsHandshakeFailed(
                url: self.url.description, reason: "the server closed the connection during the TLS handshake"))
            context.fireChannelInactive()
        }
    }
}
