import ChatKitChat
import NIOCore

/// A server's hub reports to its stats, which keep `/admin/stats` and `/metrics` in step.
extension ServerStats: ChatHubObserver {
    package func errorSent(_ code: ChatErrorCode) {
        self.countError(code)
    }

    package func roomMessage(seq: Int, receivedAt: NIODeadline, members: Int) -> DeliveryProbe? {
        self.metrics.fannedOut(members: members)
        return self.metrics.deliveryProbe(seq: seq, receivedAt: receivedAt, targets: members)
    }
}

extension ChatLimits {
    /// The hub's limits as a server's configuration sets them.
    init(_ configuration: ServerConfiguration) {
        self.init(
            historySize: configuration.historySize, maxContentBytes: configuration.maxContentBytes,
            maxRoomsPerConnection: configuration.maxRoomsPerConnection, maxRooms: configuration.maxRooms,
            usersPageSize: configuration.usersPageSize)
        self.historyMaxAgeMilliseconds = max(0, (configuration.historyMaxAge?.nanoseconds ?? 0) / 1_000_000)
    }
}
