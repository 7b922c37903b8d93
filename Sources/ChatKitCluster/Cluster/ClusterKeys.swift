/// Names of the Redis keys and channels of one cluster (all under one prefix). The Lua scripts build the same
/// names from the prefix they are given (``ClusterScripts``); this type is the Swift side of that contract.
///
/// | Name | Type | Holds |
/// |---|---|---|
/// | `P room:R` | channel | room R's events, in order |
/// | `P room:R:seq` | string | R's last message `seq` |
/// | `P room:R:ev` | string | R's last event number (messages and presence) |
/// | `P room:R:history` | list | R's last messages (event envelopes), oldest first |
/// | `P room:R:members` | hash | member name → node id |
/// | `P user:KEY` | string | node id owning the user name whose ``NameKey`` is KEY, with the node TTL |
/// | `P nodes` | set | node ids believed alive |
/// | `P node:N:alive` | string | present while N sends heartbeats (TTL) |
/// | `P node:N:users`, `P node:N:rooms` | sets | N's user name keys, rooms N has (had) members in |
/// | `P node:N` | channel | whispers for N's users |
struct ClusterKeys: Sendable {
    let prefix: String

    func roomChannel(_ room: String) -> String { "\(self.prefix)room:\(room)" }
    func nodeChannel(_ node: String) -> String { "\(self.prefix)node:\(node)" }
    func roomMembers(_ room: String) -> String { "\(self.prefix)room:\(room):members" }
    func nodeRooms(_ node: String) -> String { "\(self.prefix)node:\(node):rooms" }

    /// The room a room channel belongs to, or `nil` for another channel.
    func room(ofChannel channel: String) -> String? {
        let start = "\(self.prefix)room:"
        guard channel.hasPrefix(start) else { return nil }
        return String(channel.dropFirst(start.count))
    }
}
