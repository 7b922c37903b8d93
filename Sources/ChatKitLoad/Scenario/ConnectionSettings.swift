/// How every simulated user's WebSocket handshake is made, whatever the protocol (the scenario's `connection` block,
/// docs/protocols.md): extra headers, subprotocols, and tokens read from a file. The target URL itself may hold the
/// same placeholders (`ws://host/ws?user={name}&token={token}`), filled in per user.
public struct ConnectionSettings: Sendable, Equatable {
    /// Request headers, by name; values may hold `{name}`, `{i}` and `{token}` (`Authorization: Bearer {token}`).
    public var headers: [HeaderTemplate] = []
    /// Subprotocols offered in `Sec-WebSocket-Protocol`.
    public var subprotocols: [String] = []
    /// A file with one token a line: user `i` (from 0, across groups) gets line `i + 1` as `{token}`.
    public var tokensFile: String?

    public init(headers: [HeaderTemplate] = [], subprotocols: [String] = [], tokensFile: String? = nil) {
        self.headers = headers
        self.subprotocols = subprotocols
        self.tokensFile = tokensFile
    }

    /// One header: its name and its value with placeholders.
    public struct HeaderTemplate: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The placeholders of the target URL and of header values.
    public static let placeholderNames = ["name", "i", "token"]

    /// `text` with `{name}`, `{i}` and `{token}` replaced; `encode` escapes each value first (for URLs).
    static func fill(_ text: String, _ values: [String: String], encode: (String) -> String = { $0 }) -> String {
        guard text.contains("{") else { return text }
        var filled = text
        for (name, value) in values { filled = filled.replacingOccurrences(of: "{\(name)}", with: encode(value)) }
        return filled
    }
}
