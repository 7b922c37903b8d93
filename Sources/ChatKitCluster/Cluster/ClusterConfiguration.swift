import ChatKitWebSocket
import Foundation
import NIOCore

/// How a ``ChatServer`` joins a cluster of chat nodes that share one Redis (`chatserver --redis`).
/// Every field is documented with its default.
public struct ClusterConfiguration: Sendable {
    /// The shared Redis.
    public var redis: RedisURL
    /// This node's name in the cluster; must be unique among the nodes. Default: a random one (`node-…`).
    public var nodeID: String
    /// How often the node says it is alive, refreshes its users' name keys and looks for dead nodes.
    /// Default 1 s.
    public var heartbeatInterval: TimeAmount
    /// How long a node that stopped sending heartbeats counts as alive. Its users disappear (presence `leave`,
    /// names freed) at most `nodeTTL + heartbeatInterval` after its last heartbeat. Default 5 s.
    public var nodeTTL: TimeAmount
    /// Prefix of every Redis key and channel, so several chat clusters can share a Redis. Default `chatkit:`.
    public var keyPrefix: String
    /// Messages Redis keeps per room (at least the server's `historySize`): the shared history, and what a node
    /// that missed publications while its connection was down recovers from. Default 256.
    public var storedHistory: Int
    /// Room events (messages and presence) each node remembers per room, to hand a member whose join reply
    /// arrived after newer events the ones it would otherwise miss. Default 1024.
    public var recentEvents: Int
    /// Timeouts and reconnection policy of the Redis connections.
    public var client: RedisClientConfiguration

    /// Creates a configuration; every argument but `redis` has the documented default.
    public init(
        redis: RedisURL,
        nodeID: String = "node-" + String(UUID().uuidString.prefix(8)).lowercased(),
        heartbeatInterval: TimeAmount = .seconds(1),
        nodeTTL: TimeAmount = .seconds(5),
        keyPrefix: String = "chatkit:",
        storedHistory: Int = 256,
        recentEvents: Int = 1024,
        client: RedisClientConfiguration = RedisClientConfiguration()
    ) {
        self.redis = redis
        self.nodeID = nodeID
        self.heartbeatInterval = heartbeatInterval
        self.nodeTTL = nodeTTL
        self.keyPrefix = keyPrefix
        self.storedHistory = storedHistory
        self.recentEvents = recentEvents
        self.client = client
    }
}
