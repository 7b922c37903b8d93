import Foundation

/// Reads a scenario's tokens file (``ConnectionSettings/tokensFile``): one token a line, blank lines ignored at the
/// end; user `i` gets line `i + 1`. It must hold a token for every user of the scenario.
enum TokensFile {
    /// Tokens files larger than this are refused (a million 4 KiB tokens would already be 4 GiB).
    static let maxBytes = 64 << 20

    static func read(_ path: String, users: Int) throws -> [String] {
        let url = URL(fileURLWithPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw LoadRunError.invalid("connection.tokensFile: cannot read \(path)") }
        guard size <= Self.maxBytes else {
            throw LoadRunError.invalid("connection.tokensFile: \(path) is \(size) bytes; at most \(Self.maxBytes)")
        }
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            throw LoadRunError.invalid("connection.tokensFile: cannot read \(path) as UTF-8 text")
        }
        var tokens = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        while tokens.last?.isEmpty == true { tokens.removeLast() }
        guard tokens.count >= users else {
            throw LoadRunError.invalid("connection.tokensFile: \(path) has \(tokens.count) tokens for \(users) users")
        }
        if let line = tokens.prefix(users).firstIndex(where: { $0.isEmpty || $0.contains(where: { $0 == "\r" || $0 == "\0" }) }) {
            throw LoadRunError.invalid("connection.tokensFile: \(path) line \(line + 1) is empty or holds a control character")
        }
        return Array(tokens.prefix(users))
    }
}
