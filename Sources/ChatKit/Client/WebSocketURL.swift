/// A parsed `ws://host[:port]/path?query` URL.
public struct WebSocketURL: Sendable, Equatable, CustomStringConvertible {
    /// `ws` (or `wss`, which this client does not speak yet).
    public var scheme: String
    /// Host name or IP address, without brackets.
    public var host: String
    /// Port; 80 when the URL names none.
    public var port: Int
    /// Path and query as sent in the request line, e.g. `/ws?name=alice`.
    public var requestTarget: String

    /// Parses a URL; throws a ``WebSocketClientError`` naming what is wrong.
    public init(_ string: String) throws {
        guard let schemeEnd = string.range(of: "://") else {
            throw WebSocketClientError.invalidURL(string, "expected ws://host:port/path")
        }
        self.scheme = String(string[..<schemeEnd.lowerBound]).lowercased()
        guard self.scheme == "ws" else {
            let why = self.scheme == "wss" ? "wss:// (TLS) is not supported yet" : "scheme must be ws"
            throw WebSocketClientError.invalidURL(string, why)
        }
        let rest = string[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        self.requestTarget = target

        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw WebSocketClientError.invalidURL(string, "unclosed [ in IPv6 address")
            }
            self.host = String(authority[authority.index(after: authority.startIndex)..<close])
            let afterHost = authority[authority.index(after: close)...]
            self.port = try Self.port(afterHost, in: string)
        } else if let colon = authority.lastIndex(of: ":") {
            self.host = String(authority[..<colon])
            self.port = try Self.port(authority[colon...], in: string)
        } else {
            self.host = String(authority)
            self.port = 80
        }
        guard !self.host.isEmpty else { throw WebSocketClientError.invalidURL(string, "missing host") }
    }

    private static func port(_ text: Substring, in url: String) throws -> Int {
        if text.isEmpty { return 80 }
        guard text.hasPrefix(":"), let port = Int(text.dropFirst()), (1...65535).contains(port) else {
            throw WebSocketClientError.invalidURL(url, "port must be a number from 1 to 65535")
        }
        return port
    }

    /// The value of the `Host` header.
    public var hostHeader: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return self.port == 80 ? host : "\(host):\(self.port)"
    }

    public var description: String { "\(self.scheme)://\(self.hostHeader)\(self.requestTarget)" }
}
