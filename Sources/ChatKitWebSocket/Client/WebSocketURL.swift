/// A parsed `ws://host[:port]/path?query` or `wss://host[:port]/path?query` URL.
public struct WebSocketURL: Sendable, Equatable, CustomStringConvertible {
    /// `ws`, or `wss` for WebSocket over TLS (which needs a ``ClientTLSProvider``).
    public var scheme: String
    /// Host name or IP address, without brackets.
    public var host: String
    /// Port; when the URL names none, 80 for `ws` and 443 for `wss`.
    public var port: Int
    /// Path and query as sent in the request line, e.g. `/ws?name=alice`.
    public var requestTarget: String

    /// Parses a URL; throws a ``WebSocketClientError`` naming what is wrong.
    public init(_ string: String) throws {
        guard let schemeEnd = string.range(of: "://") else {
            throw WebSocketClientError.invalidURL(string, "expected ws://host:port/path")
        }
        self.scheme = String(string[..<schemeEnd.lowerBound]).lowercased()
        guard self.scheme == "ws" || self.scheme == "wss" else {
            throw WebSocketClientError.invalidURL(string, "scheme must be ws or wss")
        }
        let defaultPort = Self.defaultPort(scheme: self.scheme)
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
            self.port = try Self.port(afterHost, default: defaultPort, in: string)
        } else if let colon = authority.lastIndex(of: ":") {
            self.host = String(authority[..<colon])
            self.port = try Self.port(authority[colon...], default: defaultPort, in: string)
        } else {
            self.host = String(authority)
            self.port = defaultPort
        }
        guard !self.host.isEmpty else { throw WebSocketClientError.invalidURL(string, "missing host") }
    }

    private static func port(_ text: Substring, default defaultPort: Int, in url: String) throws -> Int {
        if text.isEmpty { return defaultPort }
        guard text.hasPrefix(":"), let port = Int(text.dropFirst()), (1...65535).contains(port) else {
            throw WebSocketClientError.invalidURL(url, "port must be a number from 1 to 65535")
        }
        return port
    }

    /// 443 for `wss`, 80 for `ws`.
    private static func defaultPort(scheme: String) -> Int { scheme == "wss" ? 443 : 80 }

    /// Whether the connection runs over TLS (`wss`).
    public var isSecure: Bool { self.scheme == "wss" }

    /// The name to send in TLS's SNI and check the certificate against: the host, or `nil` when it is an IP
    /// address (SNI carries no addresses; the certificate is then checked against the peer's address).
    public var tlsServerHostname: String? {
        let isIPv4 = self.host.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && self.host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || self.host.contains(":") ? nil : self.host
    }

    /// The value of the `Host` header (the port only when it is not the scheme's default).
    public var hostHeader: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return self.port == Self.defaultPort(scheme: self.scheme) ? host : "\(host):\(self.port)"
    }

    public var description: String { "\(self.scheme)://\(self.hostHeader)\(self.requestTarget)" }
}
