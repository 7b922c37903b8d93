/// Where Redis is: `redis://HOST[:PORT][/DB]` (port 6379 and database 0 by default).
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Database number, selected with `SELECT` after connecting.
    public var database: Int

    /// Parses a URL; throws ``RedisError`` naming what is wrong. Passwords and TLS (`rediss://`) are not supported.
    public init(_ text: String) throws {
        guard text.hasPrefix("redis://") else { throw RedisError.badURL("\(text): expected redis://HOST:PORT[/DB]") }
        var rest = Substring(text.dropFirst("redis://".count))
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else {
                    throw RedisError.badURL("\(text): database must be a number")
                }
                database = number
            }
        }
        guard !rest.contains("@") else { throw RedisError.badURL("\(text): passwords are not supported") }
        var host = String(rest)
        var port = 6379
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw RedisError.badURL("\(text): unclosed [") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { throw RedisError.badURL("\(text): bad port") }
                port = number
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let number = Int(rest[rest.index(after: colon)...]) else {
                throw RedisError.badURL("\(text): bad port")
            }
            port = number
        }
        guard !host.isEmpty else { throw RedisError.badURL("\(text): missing host") }
        guard (1...65535).contains(port) else { throw RedisError.badURL("\(text): port must be from 1 to 65535") }
        self.host = host
        self.port = port
        self.database = database
    }

    public var description: String {
        let shownHost = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "redis://\(shownHost):\(self.port)" + (self.database == 0 ? "" : "/\(self.database)")
    }
}
