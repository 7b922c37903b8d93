/// Which `Host` headers the server answers (`--allowed-hosts`): the guard against DNS rebinding, where a page
/// on another site reaches a server on the user's machine under the other site's name.
///
/// With no list, a server bound to loopback answers `localhost`, `127.0.0.1`, `[::1]` and its bound address,
/// with any port or none; a server bound elsewhere answers any host. A list replaces that default; `*` in it
/// allows any host. An entry with a port (`chat.example.com:8443`) matches that port only; one without matches
/// any port. A request without a `Host` header (HTTP/1.0) is answered: no browser sends one.
struct AllowedHosts: Sendable {
    /// `nil`: any host.
    private let entries: [HostAndPort]?

    init(configuration: ServerConfiguration) {
        let listed = configuration.allowedHosts
        if listed.contains("*") {
            self.entries = nil
        } else if !listed.isEmpty {
            self.entries = listed.compactMap(HostAndPort.init)
        } else if Self.isLoopback(configuration.host) {
            self.entries = ["localhost", "127.0.0.1", "[::1]", configuration.host].compactMap(HostAndPort.init)
        } else {
            self.entries = nil
        }
    }

    /// Whether every host is allowed (bound elsewhere than loopback without a list, or `*`).
    var allowsAnyHost: Bool { self.entries == nil }

    /// Whether a request with this `Host` header (or none) is answered.
    func allows(hostHeader: String?) -> Bool {
        guard let hostHeader else { return true }
        return self.allows(authority: hostHeader)
    }

    /// Whether `authority` (`host[:port]`, IPv6 in brackets) is an allowed host.
    func allows(authority: String) -> Bool {
        guard let entries = self.entries else { return true }
        guard let requested = HostAndPort(authority) else { return false }
        return entries.contains { $0.host == requested.host && ($0.port == nil || $0.port == requested.port) }
    }

    /// Why `entry` is not a valid `--allowed-hosts` entry, or `nil` when it is.
    static func problem(_ entry: String) -> String? {
        if entry == "*" { return nil }
        return HostAndPort(entry) == nil
            ? "\"\(entry)\" is not a host name or address with an optional port (e.g. chat.example.com:8443)" : nil
    }

    private static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

extension ServerConfiguration {
    /// Why `entry` cannot be an ``allowedHosts`` entry (`--allowed-hosts`), or `nil` when it can.
    public static func allowedHostProblem(_ entry: String) -> String? {
        AllowedHosts.problem(entry)
    }
}

/// A host (lower case, IPv6 in brackets, without a trailing dot) and an optional port, as in `Host` headers.
private struct HostAndPort: Equatable {
    var host: String
    var port: Int?

    init?(_ text: String) {
        let text = text.lowercased()
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[...close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return nil }
                portText = rest.dropFirst()
            }
        } else if text.filter({ $0 == ":" }).count > 1 {
            host = "[\(text)]"[...]  // a bare IPv6 address, as --host takes it
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text[...]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || "-._[]:".contains($0) }),
            host.unicodeScalars.allSatisfy(\.isASCII)
        else { return nil }
        if let portText {
            guard let port = Int(portText), (0...65535).contains(port) else { return nil }
            self.port = port
        }
        self.host = String(host)
    }
}
