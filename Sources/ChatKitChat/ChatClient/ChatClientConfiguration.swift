import ChatKitWebSocket

/// Settings of a ``ChatClient``, each with its default.
public struct ChatClientConfiguration: Sendable {
    /// The WebSocket connection's settings (timeouts, headers, TLS). Default ``ClientConfiguration``'s defaults.
    public var connection: ClientConfiguration
    /// How to reconnect after the connection is lost. Default ``ReconnectPolicy``'s defaults.
    public var reconnect: ReconnectPolicy
    /// Close codes after which the client reconnects; any other code from the server ends the client.
    /// Default ``defaultReconnectCodes``.
    public var reconnectCodes: Set<UInt16>
    /// How many events may wait unread in ``ChatClient/events``. When the caller lets that many pile up, the
    /// client closes the connection and ends the stream with ``ChatClientEvent/closed(code:reason:)`` (reason
    /// ``ChatClient/eventBufferFullReason``): nothing is dropped silently. Default 10 000.
    public var eventBufferSize: Int

    /// The codes the client reconnects after: 1001 (the server is shutting down or restarting: another
    /// instance may take over), 1005 (a close frame without a code), 1006 (TCP dropped without a close frame),
    /// 1011 (server error), 1012 (service restart), 1013 (try again later), 1014 (bad gateway). Not 1008 (kicked
    /// by an operator, or dropped as a slow consumer: coming straight back would undo the operator's decision
    /// or repeat the overload), nor 1000, 1002, 1003, 1007, 1009 (the server meant it, or the client broke the
    /// protocol and would again).
    public static let defaultReconnectCodes: Set<UInt16> = [1001, 1005, 1006, 1011, 1012, 1013, 1014]

    /// Creates a configuration; every argument has the documented default.
    public init(
        connection: ClientConfiguration = ClientConfiguration(),
        reconnect: ReconnectPolicy = ReconnectPolicy(),
        reconnectCodes: Set<UInt16> = Self.defaultReconnectCodes,
        eventBufferSize: Int = 10_000
    ) {
        self.connection = connection
        self.reconnect = reconnect
        self.reconnectCodes = reconnectCodes
        self.eventBufferSize = eventBufferSize
    }
}
