import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// One connected user as the hub sees it.
///
/// Its rooms are guarded by its own lock, which is taken last: a room's lock may be held while taking it,
/// never the other way round (see ``ChatHub``).
package final class ChatMember: @unchecked Sendable {
    /// The unique name the user connected with.
    package let name: String
    /// The confusable-safe key of `name` (``NameKey``): what the name registry holds.
    package let nameKey: String
    /// Where the user connected from; for operators only, never sent to chat users.
    package let remoteAddress: String
    /// When the connection opened.
    let connectedAt: Date
    /// Where frames for this member are queued.
    package let connection: any ChatConnection
    private let lock = NIOLock()
    /// Rooms the member is in, by name (member lock).
    private var joined: [String: Room] = [:]
    /// Rooms whose join the hub accepted and the backend has not finished yet (member lock).
    private var joining: Set<String> = []
    /// Set when the connection closed and the member left every room (member lock): it joins none again.
    private var isGone = false

    package init(name: String, connection: any ChatConnection) {
        self.name = name
        self.nameKey = NameKey.of(name)
        self.remoteAddress = connection.remoteAddress.map(Self.describe) ?? "in-process"
        self.connectedAt = Date()
        self.connection = connection
    }

    /// The room called `name`, if the member is in it.
    package func room(_ name: String) -> Room? {
        self.lock.withLock { self.joined[name] }
    }

    /// Names of the member's rooms, sorted.
    var roomNames: [String] {
        self.lock.withLock { self.joined.keys.sorted() }
    }

    /// The member's rooms, by name.
    package var rooms: [String: Room] {
        self.lock.withLock { self.joined }
    }

    /// What a `join` of `name` finds: already in (or joining) it, at the limit of `maxRooms`, or free to go
    /// ahead. A free join is recorded as pending (it counts against the limit) until ``didJoin(_:)`` or
    /// ``finishJoining(_:)``.
    func joinCheck(_ name: String, maxRooms: Int) -> JoinCheck {
        self.lock.withLock {
            if self.joined[name] != nil || self.joining.contains(name) { return .already }
            if self.joined.count + self.joining.count >= maxRooms { return .atLimit }
            self.joining.insert(name)
            return .free
        }
    }

    /// The pending join of `name` is over, whatever its outcome.
    package func finishJoining(_ name: String) {
        _ = self.lock.withLock { self.joining.remove(name) }
    }

    /// Records that the member is in `room` (its lock held by the caller); `false` when the member is gone
    /// (``leaveAll()``), and must not be added to the room.
    package func didJoin(_ room: Room) -> Bool {
        self.lock.withLock {
            self.joining.remove(room.name)
            guard !self.isGone else { return false }
            self.joined[room.name] = room
            return true
        }
    }

    /// Records that the member left `room`.
    func didLeave(_ room: Room) {
        self.lock.withLock {
            if self.joined[room.name] === room { self.joined[room.name] = nil }
        }
    }

    /// Forgets every room (the connection closed) and returns them, sorted by name; later joins fail.
    func leaveAll() -> [Room] {
        self.lock.withLock {
            self.isGone = true
            let rooms = self.joined.values.sorted { $0.name < $1.name }
            self.joined.removeAll()
            return rooms
        }
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}

/// What ``ChatMember/joinCheck(_:maxRooms:)`` found.
enum JoinCheck {
    case free, already, atLimit
}
