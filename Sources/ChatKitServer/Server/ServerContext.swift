import Atomics
import ChatKitChat
import ChatKitCluster
import ChatKitWebSocket
import NIOConcurrencyHelpers
import NIOCore

/// What every connection of one server shares: configuration, hub, counters, and whether it is draining.
/// Package access for the HTTP fuzz target, which builds connections without sockets.
package final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    package let stats: ServerStats
    package let hub: ChatHub
    /// The cluster this server is a node of (`--redis`), which numbers the hub's rooms' events; `nil` for a
    /// single node.
    let cluster: ClusterNode?
    let startedAt = NIODeadline.now()
    let isDraining = ManagedAtomic<Bool>(false)
    /// Every open WebSocket connection, whatever the mode, so shutdown can say goodbye to each.
    let webSockets = NIOLockedValueBox<[ObjectIdentifier: WebSocketConnection]>([:])
    /// The room of `broadcast` mode.
    let broadcastRoom: BroadcastRoom
    /// Connection counts and rate buckets per peer address: who may open a WebSocket, and join how often.
    let admission: ConnectionAdmission

    package convenience init(configuration: ServerConfiguration) {
        self.init(configuration: configuration, cluster: nil)
    }

    init(configuration: ServerConfiguration, cluster: ClusterNode?) {
        self.configuration = configuration
        self.stats = ServerStats(metrics: ChatMetrics(deliverySampleInterval: configuration.deliverySampleInterval))
        self.hub = ChatHub(limits: ChatLimits(configuration), observer: self.stats)
        self.cluster = cluster
        if let cluster { self.hub.useBackend(cluster) }
        self.broadcastRoom = BroadcastRoom(stats: self.stats)
        self.admission = ConnectionAdmission(configuration: configuration)
    }

    var upgradeValidation: UpgradeValidation {
        let hub = self.hub
        return UpgradeValidation(configuration: self.configuration, isNameTaken: { hub.isNameTaken($0) })
    }
}
