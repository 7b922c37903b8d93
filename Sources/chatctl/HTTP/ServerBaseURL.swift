import Foundation

/// The HTTP base URL of a chat server, e.g. `http://127.0.0.1:8080`, from what a user may type:
/// an HTTP URL (`http://host:port`, optionally with a path prefix) or the server's WebSocket URL
/// (`ws://host:port/ws`), whose `/ws` path and query are dropped. `wss://` maps to `https://`.
public struct ServerBaseURL: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// `host` or `host:port`, as given (IPv6 addresses in brackets).
    public let authority: String
    /// A path prefix without a trailing slash, usually empty.
    public let pathPrefix: String

    /// The URL chatctl's commands use when none is given.
    public static let defaultURL = "http://127.0.0.1:8080"

    /// Parses `text`; throws a ``ServerURLError`` that says what is wrong.
    public init(_ text: String) throws(ServerURLError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = trimmed.range(of: "://") else {
            throw ServerURLError(url: text, reason: "expected http://host:port or ws://host:port/ws")
        }
        let givenScheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        let isWebSocket: Bool
        switch givenScheme {
        case "http", "https": isWebSocket = false
        case "ws", "wss": isWebSocket = true
        default:
            throw ServerURLError(url: text, reason: "the scheme must be http, https, ws or wss")
        }
        self.scheme = givenScheme == "https" || givenScheme == "wss" ? "https" : "http"

        let rest = trimmed[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        try Self.checkAuthority(authority, in: text)
        self.authority = authority

        let afterAuthority = rest[authorityEnd...]
        var path = String(afterAuthority.prefix { $0 != "?" && $0 != "#" })
        while path.hasSuffix("/") { path.removeLast() }
        if isWebSocket, path.hasSuffix("/ws") { path.removeLast("/ws".count) }
        self.pathPrefix = path
    }

    private static func checkAuthority(_ authority: String, in text: String) throws(ServerURLError) {
        guard !authority.isEmpty else { throw ServerURLError(url: text, reason: "the host is missing") }
        guard !authority.contains("@") else {
            throw ServerURLError(url: text, reason: "user names in the URL are not supported; use --token")
        }
        var hostAndPort = Substring(authority)
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw ServerURLError(url: text, reason: "unclosed [ in the IPv6 address")
            }
            hostAndPort = authority[authority.index(after: close)...]
        } else if let colon = authority.lastIndex(of: ":") {
            guard colon != authority.startIndex else {
                throw ServerURLError(url: text, reason: "the host is missing")
            }
            hostAndPort = authority[colon...]
        } else {
            return
        }
        if hostAndPort.isEmpty { return }
        guard hostAndPort.hasPrefix(":"), let port = Int(hostAndPort.dropFirst()), (1...65535).contains(port) else {
            throw ServerURLError(url: text, reason: "the port must be a number from 1 to 65535")
        }
    }

    /// The full URL of `path`, which starts with `/` and is already percent-encoded.
    public func url(_ path: String) -> String {
        "\(self.scheme)://\(self.authority)\(self.pathPrefix)\(path)"
    }

    public var description: String { self.url("") }
}

/// A server URL chatctl cannot use, with the reason.
public struct ServerURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL as given.
    public let url: String
    /// What is wrong with it.
    public let reason: String

    public var description: String { "invalid server URL \"\(self.url)\": \(self.reason)" }
}
