import Foundation

/// An HTTP request made by a load run (pre-flight health check, admin stats, `http` steps).
public struct LoadHTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?
    public var timeoutSeconds: Double

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil, timeoutSeconds: Double) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
    }
}

/// The answer to a ``LoadHTTPRequest``.
public struct LoadHTTPResponse: Sendable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// Why a ``LoadHTTPRequest`` got no answer.
public struct LoadHTTPError: Error, Sendable, CustomStringConvertible {
    /// What happened, naming the URL.
    public var message: String
    /// Whether nothing answered at that address (connection refused, no route, name not resolved).
    public var isUnreachable: Bool

    public init(message: String, isUnreachable: Bool) {
        self.message = message
        self.isUnreachable = isUnreachable
    }

    public var description: String { self.message }
}

/// Makes HTTP calls for a load run. chatctl provides one on libcurl; ChatKit itself has no HTTP client.
public protocol LoadHTTPTransport: Sendable {
    func perform(_ request: LoadHTTPRequest) async -> Result<LoadHTTPResponse, LoadHTTPError>
}

/// URL helpers shared by the runner and chatctl.
public enum LoadURLs {
    /// The HTTP base (`http://host:port`) of a WebSocket or HTTP URL.
    public static func httpBase(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.isEmpty else { return nil }
        switch scheme {
        case "ws", "http": return "http://\(authority)"
        case "wss", "https": return "https://\(authority)"
        default: return nil
        }
    }

    /// `path` resolved against `base` unless it is already absolute.
    public static func resolve(_ path: String, against base: String?) -> String? {
        if path.hasPrefix("http://") || path.hasPrefix("https://") { return path }
        guard let base else { return nil }
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return trimmed + (path.hasPrefix("/") ? path : "/" + path)
    }
}
