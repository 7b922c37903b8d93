/// Why a WebSocket connection ended, in one stable word: the `reason` label of
/// `chat_connections_closed_total`.
///
/// A side that closes on purpose records its cause on the connection
/// (``WebSocketConnection/close(code:reason:cause:)``), because the close code alone cannot tell a slow
/// consumer from a kick (both 1008) and a peer that never answers our close leaves only 1006. Every other
/// close is read off the code the connection ended with (``init(closeCode:)``).
public struct WebSocketCloseCause: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { self.rawValue }

    /// 1000, or a close frame without a code (1005): the peer said goodbye.
    public static let normal = WebSocketCloseCause(rawValue: "normal")
    /// 1001 from the peer: it is going away (a browser tab closed, a client shutting down).
    public static let goingAway = WebSocketCloseCause(rawValue: "going_away")
    /// This server is shutting down (it sent 1001).
    public static let shutdown = WebSocketCloseCause(rawValue: "shutdown")
    /// 1002: a protocol violation (either side's verdict).
    public static let protocolError = WebSocketCloseCause(rawValue: "protocol_error")
    /// 1003: a data type the endpoint does not accept (binary frames on the chat endpoint).
    public static let unsupportedData = WebSocketCloseCause(rawValue: "unsupported_data")
    /// 1007: a text message that was not valid UTF-8.
    public static let invalidPayload = WebSocketCloseCause(rawValue: "invalid_payload")
    /// 1009: a message over the size limit.
    public static let messageTooBig = WebSocketCloseCause(rawValue: "message_too_big")
    /// The send queue overflowed and the server closed the connection with 1008.
    public static let slowConsumer = WebSocketCloseCause(rawValue: "slow_consumer")
    /// An operator kicked the user (`DELETE /admin/users/{name}`, 1008).
    public static let kicked = WebSocketCloseCause(rawValue: "kicked")
    /// The peer did not answer a keepalive ping in time; TCP was dropped.
    public static let deadPeer = WebSocketCloseCause(rawValue: "dead_peer")
    /// TCP closed without a close frame (1006) and no side had a reason of its own.
    public static let abnormal = WebSocketCloseCause(rawValue: "abnormal")
    /// Any other close code (1008 or 1011 from the peer, application codes 3000–4999).
    public static let other = WebSocketCloseCause(rawValue: "other")

    /// Every cause, so each label can be exported from the start (at 0).
    public static let all: [WebSocketCloseCause] = [
        .normal, .goingAway, .shutdown, .protocolError, .unsupportedData, .invalidPayload, .messageTooBig,
        .slowConsumer, .kicked, .deadPeer, .abnormal, .other,
    ]

    /// The cause a close code stands for, when no side recorded one of its own.
    public init(closeCode: UInt16) {
        switch closeCode {
        case WebSocketCloseCode.normal, WebSocketCloseCode.noStatus: self = .normal
        case WebSocketCloseCode.goingAway: self = .goingAway
        case WebSocketCloseCode.protocolError: self = .protocolError
        case WebSocketCloseCode.unacceptableData: self = .unsupportedData
        case WebSocketCloseCode.invalidPayload: self = .invalidPayload
        case WebSocketCloseCode.messageTooBig: self = .messageTooBig
        case WebSocketCloseCode.abnormal: self = .abnormal
        default: self = .other
        }
    }
}
