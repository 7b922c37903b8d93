import NIOCore

/// Puts TLS in front of every connection a ``ChatServer`` accepts: the seam that keeps ChatKit free of any TLS
/// library. ChatKitTLS implements it on swift-nio-ssl (`NIOSSLServerTLS`); set it as ``ServerConfiguration/tls``.
///
/// The server calls ``addTLSHandlers(to:)`` on each accepted channel's event loop, before it adds its HTTP
/// handlers, so everything on the port (WebSocket, health, metrics, admin, the chat page) is served over TLS.
public protocol ServerTLSProvider: Sendable {
    /// Adds the handlers that decrypt inbound and encrypt outbound bytes at the front of `channel`'s pipeline
    /// (use `channel.pipeline.syncOperations`: this runs on the channel's event loop).
    func addTLSHandlers(to channel: Channel) throws
}
