import Foundation

// The `connection` block: headers, subprotocols and a tokens file for every user's handshake (docs/protocols.md).
extension ScenarioJSONReader {
    /// Characters of an HTTP token (RFC 9110 §5.6.2): header names and subprotocols.
    private static let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    /// Limits, so a scenario cannot make every handshake huge.
    static let maxHeaders = 32
    static let maxHeaderValueBytes = 8192

    mutating func connection(_ value: Any?) -> ConnectionSettings {
        guard let object = self.object(value, "connection") else { return ConnectionSettings() }
        self.unknownKeys(object, ["headers", "subprotocols", "tokensFile"], "connection")
        var settings = ConnectionSettings()
        if let headers = self.object(object["headers"], "connection.headers") {
            if headers.count > Self.maxHeaders {
                self.problem("connection.headers", "at most \(Self.maxHeaders) headers, got \(headers.count)")
            }
            for name in headers.keys.sorted() {
                let path = "connection.headers.\(name)"
                guard !name.isEmpty, name.allSatisfy(Self.tokenCharacters.contains) else {
                    self.problem(path, "expected a header name (letters, digits and !#$%&'*+-.^_`|~)")
                    continue
                }
                guard let value = headers[name] as? String else {
                    self.problem(path, "expected a string, got \(Self.describe(headers[name] ?? NSNull()))")
                    continue
                }
                if value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                    self.problem(path, "a header value cannot hold CR, LF or NUL")
                } else if value.utf8.count > Self.maxHeaderValueBytes {
                    self.problem(path, "at most \(Self.maxHeaderValueBytes) bytes, got \(value.utf8.count)")
                } else {
                    settings.headers.append(.init(name: name, value: value))
                }
            }
        }
        settings.subprotocols = self.stringList(object, "subprotocols", "connection")
        for (index, subprotocol) in settings.subprotocols.enumerated()
        where subprotocol.isEmpty || !subprotocol.allSatisfy(Self.tokenCharacters.contains) {
            self.problem("connection.subprotocols[\(index)]", "expected a subprotocol name (an HTTP token), got \"\(subprotocol.prefix(60))\"")
        }
        settings.tokensFile = self.string(object, "tokensFile", "connection")
        if settings.tokensFile?.isEmpty == true { self.problem("connection.tokensFile", "expected a file path, got \"\"") }
        if settings.tokensFile == nil {
            for header in settings.headers where header.value.contains("{token}") {
                self.problem("connection.headers.\(header.name)", "{token} needs connection.tokensFile (one token a line)")
            }
        }
        return settings
    }
}
