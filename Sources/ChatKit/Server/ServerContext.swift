import Atomics
import NIOCore

/// What every connection of one server shares: configuration, hub, counters, and whether it is draining.
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let stats: ServerStats
    let hub: ChatHub
    let startedAt = NIODeadline.now()
    let isDraining = ManagedAtomic<Bool>(false)

    init(configuration: ServerConfiguration) {
        self.configuration = configuration
        self.stats = ServerStats()
        self.hub = ChatHub(configuration: configuration, stats: self.stats)
    }

    var upgradeValidation: UpgradeValidation {
        let hub = self.hub
        return UpgradeValidation(configuration: self.configuration, isNameTaken: { hub.isNameTaken($0) })
    }
}
