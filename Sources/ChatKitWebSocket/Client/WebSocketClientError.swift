import NIOHTTP1

/// Why a client connection could not be made or used.
public enum WebSocketClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL could not be used; the second value says why.
    case invalidURL(String, String)
    /// TCP connected but the server refused the upgrade: its status and body (a JSON error for chatserver).
    case handshakeRejected(status: Int, body: String)
    /// The server answered 101 but broke the handshake (wrong Sec-WebSocket-Accept, …).
    case handshakeFailed(String)
    /// The reason ``handshakeFailed(_:)`` gives when the server dropped TCP before the upgrade completed.
    public static let closedDuringHandshake = "connection closed during the handshake"
    /// Connecting and the handshake together took longer than the connect timeout.
    case connectTimeout(String)
    /// The TCP connection could not be made (refused, unreachable, name not resolved).
    case unreachable(url: String, reason: String)
    /// TCP connected but the TLS handshake of a `wss://` connection failed; the reason is short and human
    /// (`certificate verify failed`, `the server does not speak TLS`).
    case tlsHandshakeFailed(url: String, reason: String)
    /// A `wss://` URL, but the configuration has no ``ClientTLSProvider`` to speak TLS with.
    case tlsNotConfigured(String)
    /// The send queue is full: the server is not reading fast enough.
    case sendQueueFull
    /// The connection is closed or closing.
    case closed

    public var description: String {
        switch self {
        case .invalidURL(let url, let why): return "invalid WebSocket URL \(url): \(why)"
        case .handshakeRejected(let status, let body):
            let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
            return body.isEmpty ? "server refused the upgrade: HTTP \(status) \(reason)"
                : "server refused the upgrade: HTTP \(status) \(reason): \(body)"
        case .handshakeFailed(let why): return "WebSocket handshake failed: \(why)"
        case .connectTimeout(let url): return "timed out connecting to \(url)"
        case .unreachable(let url, let reason): return "cannot connect to \(url): \(reason)"
        case .tlsHandshakeFailed(let url, let reason):
            return "cannot connect to \(url): TLS handshake failed: \(reason)"
        case .tlsNotConfigured(let url):
            return "cannot connect to \(url): wss:// needs TLS, and this client has no TLS provider "
                + "(ClientConfiguration.tls)"
        case .sendQueueFull: return "send queue full: the server is not reading fast enough"
        case .closed: return "the connection is closed"
        }
    }
}
