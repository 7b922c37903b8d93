import NIOWebSocket

/// The close status codes ChatKit sends, with the meaning RFC 6455 section 7.4.1 gives them.
public enum WebSocketCloseCode {
    /// 1000: the purpose of the connection is fulfilled.
    public static let normal: UInt16 = 1000
    /// 1001: the server is going away (shutdown) or the peer stopped answering.
    public static let goingAway: UInt16 = 1001
    /// 1002: the peer broke the protocol.
    public static let protocolError: UInt16 = 1002
    /// 1003: a data type the endpoint does not accept (binary frames on the chat endpoint).
    public static let unacceptableData: UInt16 = 1003
    /// 1005: no code was present in the peer's close frame (never sent on the wire).
    public static let noStatus: UInt16 = 1005
    /// 1006: the connection dropped without a close frame (never sent on the wire).
    public static let abnormal: UInt16 = 1006
    /// 1007: a text message was not valid UTF-8.
    public static let invalidPayload: UInt16 = 1007
    /// 1008: policy violation (slow consumer, kicked by an operator).
    public static let policyViolation: UInt16 = 1008
    /// 1009: a message was larger than the configured limit.
    public static let messageTooBig: UInt16 = 1009
    /// 1011: the server hit an unexpected condition.
    public static let internalError: UInt16 = 1011

    /// Whether `code` may appear in a close frame received from a peer (RFC 6455 section 7.4). 1012–1014 were
    /// registered after the RFC; like the Autobahn test suite, ChatKit treats them as invalid.
    public static func isValidOnWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011: return true
        case 3000...4999: return true
        default: return false
        }
    }
}
