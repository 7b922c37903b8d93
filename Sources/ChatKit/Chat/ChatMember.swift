import Foundation
import NIOCore

/// One connected user as the hub sees it. Its mutable state (`rooms`) is guarded by the hub's lock.
final class ChatMember: @unchecked Sendable {
    /// The unique name the user connected with.
    let name: String
    /// The confusable-safe key of `name` (``NameKey``): what the name registry holds.
    let nameKey: String
    /// Where the user connected from; for operators only, never sent to chat users.
    let remoteAddress: String
    /// When the WebSocket connection opened.
    let connectedAt: Date
    /// The connection frames are queued on.
    let connection: WebSocketConnection
    /// Rooms the user is in (hub lock).
    var rooms: Set<String> = []
    /// Cluster mode: rooms whose join is waiting for Redis (hub lock).
    var joiningRooms: Set<String> = []

    init(name: String, connection: WebSocketConnection) {
        self.name = name
        self.nameKey = NameKey.of(name)
        self.remoteAddress = connection.remoteAddress.map(Self.describe) ?? "unknown"
        self.connectedAt = Date()
        self.connection = connection
    }

    var channelID: ObjectIdentifier { ObjectIdentifier(self.connection.channel) }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
