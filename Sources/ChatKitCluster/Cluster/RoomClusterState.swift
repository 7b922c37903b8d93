import ChatKitChat
import NIOCore

/// What a node keeps about a room in cluster mode, besides its members (room lock): the room's
/// ``Room/backendState``, made on first use.
///
/// Room events arrive on the room's Redis channel numbered 1, 2, 3, … (`ev`). The node applies them in that
/// order (`lastEvent`), holds them back while it does not know where to start or is catching up
/// (`buffered`), and gives each member only the events after the one that made it a member (`floors`).
final class RoomClusterState: RoomBackendState {
    /// The last event applied; `nil` until the first join reply says where the room stands.
    var lastEvent: Int?
    /// Per member: the event number of its own join. It gets only events after that one.
    var floors: [String: Int] = [:]
    /// The last events applied, for members whose join reply arrives after newer events were applied.
    var recentEvents: CircularBuffer<ClusterEvent>
    /// How many events `recentEvents` keeps.
    let recentEventLimit: Int
    /// Events received but not applied yet, in arrival (= event) order.
    var buffered: [ClusterEvent] = []
    /// Set while the node reads the room back from Redis after a gap or a reconnection.
    var isSyncing = false

    init(recentEventLimit: Int) {
        self.recentEventLimit = max(0, recentEventLimit)
        self.recentEvents = CircularBuffer(initialCapacity: max(1, min(recentEventLimit, 64)))
    }

    func memberLeft(_ name: String) {
        self.floors[name] = nil
    }

    /// Keeps `event` among the recent ones.
    func remember(_ event: ClusterEvent) {
        guard self.recentEventLimit > 0 else { return }
        if self.recentEvents.count >= self.recentEventLimit { self.recentEvents.removeFirst() }
        self.recentEvents.append(event)
    }
}
