import NIOCore

/// Settings of a client connection, each with its default.
public struct ClientConfiguration: Sendable {
    /// Limits and timers of the connection. Default: messages up to 16 MiB (a room's `history` frame can be
    /// far larger than any single chat message), a ping every 20 s.
    public var webSocket: WebSocketConfiguration
    /// How long TCP connect and the upgrade handshake may take together. Default 10 s.
    public var connectTimeout: TimeAmount
    /// Subprotocols offered in `Sec-WebSocket-Protocol`, in order of preference. Default none.
    public var subprotocols: [String]
    /// Extra request headers for the handshake (`Authorization`, `Origin`, …). Default none.
    public var headers: [(String, String)]
    /// How to speak TLS to `wss://` URLs (ChatKitTLS's `NIOSSLClientTLS`); `ws://` URLs never use it.
    /// Default `nil`: a `wss://` URL then fails with ``WebSocketClientError/tlsNotConfigured(_:)``.
    public var tls: (any ClientTLSProvider)?

    /// Creates a configuration; every argument has the documented default.
    public init(
        webSocket: WebSocketConfiguration = WebSocketConfiguration(maxMessageBytes: 16 * 1024 * 1024),
        connectTimeout: TimeAmount = .seconds(10),
        subprotocols: [String] = [],
        headers: [(String, String)] = [],
        tls: (any ClientTLSProvider)? = nil
    ) {
        self.webSocket = webSocket
        self.connectTimeout = connectTimeout
        self.subprotocols = subprotocols
        self.headers = headers
        self.tls = tls
    }
}
