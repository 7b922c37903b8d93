import NIOCore

/// Limits and timers of one WebSocket connection, shared by the server and the client.
public struct WebSocketConfiguration: Sendable {
    /// Largest message accepted, after reassembling fragments. A larger one is closed with 1009.
    /// Default 64 KiB.
    public var maxMessageBytes: Int

    /// How often a ping is sent while the connection is open. `nil` sends none. Default 20 s.
    public var pingInterval: TimeAmount?

    /// How long the peer may stay silent (no frame of any kind, pongs included) after a ping before it is
    /// considered dead and the TCP connection is dropped. Must be below `pingInterval`. Default 10 s.
    public var deadPeerTimeout: TimeAmount

    /// How long to wait for the peer's close frame after sending ours before dropping TCP. Default 3 s.
    public var closeTimeout: TimeAmount

    /// Messages that may wait to be written to this connection. A receiver that falls this far behind
    /// is a slow consumer: the server disconnects it with 1008, the client refuses further sends.
    /// Default 1024.
    public var sendQueueLimit: Int

    /// Bytes of messages that may wait to be written to this connection (history, room messages, errors,
    /// presence, all counted by their payload size). A receiver over this budget is a slow consumer, like one
    /// over ``sendQueueLimit``. One message larger than the whole budget still goes to an empty queue. Pongs are
    /// not queued: only the latest unanswered one is kept while the socket is not writable. Default 1 MiB.
    public var sendQueueBytes: Int

    /// Creates a configuration; every argument has the documented default.
    public init(
        maxMessageBytes: Int = 64 * 1024,
        pingInterval: TimeAmount? = .seconds(20),
        deadPeerTimeout: TimeAmount = .seconds(10),
        closeTimeout: TimeAmount = .seconds(3),
        sendQueueLimit: Int = 1024,
        sendQueueBytes: Int = 1024 * 1024
    ) {
        self.maxMessageBytes = maxMessageBytes
        self.pingInterval = pingInterval
        self.deadPeerTimeout = deadPeerTimeout
        self.closeTimeout = closeTimeout
        self.sendQueueLimit = sendQueueLimit
        self.sendQueueBytes = sendQueueBytes
    }
}
