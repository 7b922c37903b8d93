import ChatKitChat
import Foundation

// The JSON bodies of chatserver's HTTP API (docs/protocol.md §7), written once: the server encodes them and
// chatctl (and any Swift client) decodes the same types. `/admin/stats` is ``ServerStats/Snapshot``; the rooms
// and members in the admin bodies are ``RoomSummary`` and ``MemberDetail``.

/// `GET /healthz`.
public struct HealthStatus: Codable, Sendable, Equatable {
    /// `ok`, or `draining` while the server shuts down.
    public var status: String
    public var uptimeSeconds: Double
    /// Open WebSocket connections.
    public var connections: Int
    /// Rooms that exist (with at least one member; in cluster mode, on this node).
    public var rooms: Int
    /// Cluster mode only: `ready` or `degraded`.
    public var cluster: String?
    /// Cluster mode only: this node's id.
    public var node: String?

    public init(
        status: String, uptimeSeconds: Double, connections: Int, rooms: Int, cluster: String? = nil,
        node: String? = nil
    ) {
        self.status = status
        self.uptimeSeconds = uptimeSeconds
        self.connections = connections
        self.rooms = rooms
        self.cluster = cluster
        self.node = node
    }
}

/// `GET /readyz`: `ready` (200), or `draining` or `degraded` (503).
public struct ReadinessStatus: Codable, Sendable, Equatable {
    public var status: String

    public init(status: String) { self.status = status }
}

/// `GET /admin/rooms`.
public struct RoomList: Codable, Sendable, Equatable {
    /// Sorted by name.
    public var rooms: [RoomSummary]

    public init(rooms: [RoomSummary]) { self.rooms = rooms }
}

/// `GET /admin/rooms/{room}/users`.
public struct RoomUsers: Codable, Sendable, Equatable {
    public var room: String
    /// Sorted by name.
    public var users: [MemberDetail]

    public init(room: String, users: [MemberDetail]) {
        self.room = room
        self.users = users
    }
}

/// `DELETE /admin/users/{name}`.
public struct KickResult: Codable, Sendable, Equatable {
    /// The name of the user whose connection was closed with 1008.
    public var kicked: String
    /// The close reason it got.
    public var reason: String

    public init(kicked: String, reason: String) {
        self.kicked = kicked
        self.reason = reason
    }
}

/// The body of `POST /admin/rooms/{room}/messages` (the answer is the posted ``ChatMessage``).
public struct Announcement: Codable, Sendable, Equatable {
    public var content: String

    public init(content: String) { self.content = content }
}

/// What every failed request gets: a stable `error` code and a sentence for people.
public struct HTTPErrorBody: Codable, Sendable, Equatable {
    public var error: String
    public var message: String?

    public init(error: String, message: String?) {
        self.error = error
        self.message = message
    }
}
