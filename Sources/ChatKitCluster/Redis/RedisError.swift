/// Why a Redis command or connection failed.
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Equatable {
        case server(String)
        case protocolViolation(String)
        case connectionClosed
        case timeout
        case unavailable
        case badURL(String)
        case unexpectedReply(String)
    }
    private let kind: Kind

    /// Redis answered with an error reply (`-ERR …`); `message` is its text.
    public static func server(_ message: String) -> RedisError { RedisError(kind: .server(message)) }
    /// The bytes from the server were not RESP; the connection is closed.
    static func protocolViolation(_ detail: String) -> RedisError { RedisError(kind: .protocolViolation(detail)) }
    /// The connection closed before the reply arrived.
    public static let connectionClosed = RedisError(kind: .connectionClosed)
    /// No reply within the command timeout; the connection is closed (its replies could no longer be matched).
    public static let timeout = RedisError(kind: .timeout)
    /// No connection to Redis at the moment (the client is reconnecting).
    public static let unavailable = RedisError(kind: .unavailable)
    /// A `redis://` URL that cannot be used.
    static func badURL(_ detail: String) -> RedisError { RedisError(kind: .badURL(detail)) }
    /// A reply of a shape the caller did not expect.
    static func unexpectedReply(_ detail: String) -> RedisError { RedisError(kind: .unexpectedReply(detail)) }

    /// Whether this is an error reply from the server (as opposed to a connection problem).
    public var isServerError: Bool { if case .server = self.kind { return true } else { return false } }

    public var description: String {
        switch self.kind {
        case .server(let message): return "redis error: \(message)"
        case .protocolViolation(let detail): return "redis protocol violation: \(detail)"
        case .connectionClosed: return "redis connection closed"
        case .timeout: return "redis command timed out"
        case .unavailable: return "redis unavailable"
        case .badURL(let detail): return "bad redis URL: \(detail)"
        case .unexpectedReply(let detail): return "unexpected redis reply: \(detail)"
        }
    }
}
