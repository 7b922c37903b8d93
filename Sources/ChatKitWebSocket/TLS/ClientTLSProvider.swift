import NIOCore

/// Puts TLS under a client connection to a `wss://` URL: the seam that keeps ChatKit free of any TLS library.
/// ChatKitTLS implements it on swift-nio-ssl (`NIOSSLClientTLS`); set it as ``ClientConfiguration/tls`` (or
/// ChatKitLoad's `LoadRunOptions.tls` for a load run). Without one, connecting to a `wss://` URL fails with
/// ``WebSocketClientError/tlsNotConfigured(_:)``: never silently in plaintext.
public protocol ClientTLSProvider: Sendable {
    /// Adds the TLS handlers at the front of a new connection's pipeline, on the channel's event loop (use
    /// `channel.pipeline.syncOperations`). `serverHostname` is the URL's host name for SNI and certificate
    /// checks, or `nil` when the URL names an IP address (which is checked against the peer's address instead).
    func addTLSHandlers(to channel: Channel, serverHostname: String?) throws

    /// A short, human description of `error` when it is a TLS failure raised by this provider's handlers
    /// (e.g. `certificate verify failed`); `nil` for any other error. The client reports such a failure as
    /// ``WebSocketClientError/tlsHandshakeFailed(url:reason:)``.
    func describeTLSError(_ error: Error) -> String?
}
