import Foundation

/// Why ``CurlHTTPClient`` got no HTTP response. Its description names the URL and the reason, e.g.
/// `cannot connect to http://127.0.0.1:9/healthz: Couldn't connect to server`.
///
/// A struct over a private enum, so that new kinds of failure do not break callers that switch on
/// the public `is…` properties.
public struct CurlHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case cannotConnect
        case tlsFailed
        case timedOut(seconds: Double)
        case invalidURL
        case responseTooLarge(limitBytes: Int)
        case transferFailed
        case setupFailed
    }

    private let kind: Kind
    /// The URL of the request.
    public let url: String
    /// libcurl's explanation (`curl_easy_strerror`), e.g. `Couldn't connect to server`.
    public let reason: String
    /// libcurl's error code (`CURLcode`), or 0 when the failure came before libcurl ran.
    public let curlCode: Int

    private init(_ kind: Kind, url: String, reason: String, curlCode: Int) {
        self.kind = kind
        self.url = url
        self.reason = reason
        self.curlCode = curlCode
    }

    /// The host could not be resolved or refused or dropped the connection.
    static func cannotConnect(_ url: String, reason: String, curlCode: Int) -> Self {
        Self(.cannotConnect, url: url, reason: reason, curlCode: curlCode)
    }

    /// TCP connected but the TLS handshake failed (untrusted certificate, the server does not speak TLS).
    static func tlsFailed(_ url: String, reason: String, curlCode: Int) -> Self {
        Self(.tlsFailed, url: url, reason: reason, curlCode: curlCode)
    }

    /// No complete response arrived within the total (or connect) timeout.
    static func timedOut(_ url: String, seconds: Double, reason: String, curlCode: Int) -> Self {
        Self(.timedOut(seconds: seconds), url: url, reason: reason, curlCode: curlCode)
    }

    /// libcurl refused the URL (malformed, or a scheme it does not speak).
    static func invalidURL(_ url: String, reason: String, curlCode: Int) -> Self {
        Self(.invalidURL, url: url, reason: reason, curlCode: curlCode)
    }

    /// The body exceeded the client's limit and the transfer was stopped.
    static func responseTooLarge(_ url: String, limitBytes: Int, curlCode: Int) -> Self {
        Self(.responseTooLarge(limitBytes: limitBytes), url: url,
             reason: "the response is larger than \(limitBytes) bytes", curlCode: curlCode)
    }

    /// Any other libcurl failure during the transfer.
    static func transferFailed(_ url: String, reason: String, curlCode: Int) -> Self {
        Self(.transferFailed, url: url, reason: reason, curlCode: curlCode)
    }

    /// libcurl could not be initialised or refused an option.
    static func setupFailed(_ url: String, reason: String, curlCode: Int = 0) -> Self {
        Self(.setupFailed, url: url, reason: reason, curlCode: curlCode)
    }

    /// Whether the server could not be reached at all (connection refused, unknown host, timeout, a failed
    /// TLS handshake): the case scripts treat as "unreachable".
    public var isUnreachable: Bool {
        switch self.kind {
        case .cannotConnect, .timedOut, .tlsFailed: return true
        case .invalidURL, .responseTooLarge, .transferFailed, .setupFailed: return false
        }
    }

    /// Whether the URL itself was at fault rather than the network.
    public var isInvalidURL: Bool { self.kind == .invalidURL }

    public var description: String {
        switch self.kind {
        case .cannotConnect:
            return "cannot connect to \(self.url): \(self.reason)"
        case .tlsFailed:
            return "cannot connect to \(self.url): TLS handshake failed: \(self.reason)"
        case .timedOut(let seconds):
            return "timed out after \(Self.format(seconds: seconds))s: \(self.url): \(self.reason)"
        case .invalidURL:
            return "invalid URL \(self.url): \(self.reason)"
        case .responseTooLarge:
            return "request to \(self.url) failed: \(self.reason)"
        case .transferFailed:
            return "request to \(self.url) failed: \(self.reason)"
        case .setupFailed:
            return "cannot prepare a request to \(self.url): \(self.reason)"
        }
    }

    /// `5` for whole seconds, `0.25` otherwise.
    private static func format(seconds: Double) -> String {
        if seconds == seconds.rounded(), abs(seconds) < 1e15 { return String(Int64(seconds)) }
        return String(seconds)
    }
}
