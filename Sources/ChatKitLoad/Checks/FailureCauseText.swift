import ChatKit
import Foundation
import NIOHTTP1

/// The short texts ``FailureCauses`` counts by: one per distinct cause, so that 50 users refused the same way
/// make one line with a count, not 50.
enum FailureCauseText {
    /// Why a connection attempt failed: `HTTP 404 Not Found: no such endpoint`, `Connection refused`,
    /// `connect timed out`, `TLS handshake failed: …`.
    static func connect(_ error: Error) -> String {
        guard let error = error as? WebSocketClientError else { return Self.clip(ConnectErrorDescription.describe(error)) }
        switch error {
        case .handshakeRejected(let status, let body):
            let phrase = HTTPResponseStatus(statusCode: status).reasonPhrase
            let reason = Self.bodyReason(body)
            return reason.isEmpty ? "HTTP \(status) \(phrase)" : "HTTP \(status) \(phrase): \(reason)"
        case .handshakeFailed(let why): return Self.clip("WebSocket handshake failed: \(why)")
        case .connectTimeout: return "connect timed out"
        case .unreachable(_, let reason): return Self.clip(reason)
        case .tlsHandshakeFailed(_, let reason): return Self.clip("TLS handshake failed: \(reason)")
        case .tlsNotConfigured: return "wss:// without TLS configured"
        case .invalidURL(_, let why): return Self.clip("invalid URL: \(why)")
        case .sendQueueFull: return "send queue full"
        case .closed: return "connection closed"
        }
    }

    /// Whether a connect cause is a refused upgrade (an HTTP answer other than 101).
    static func isRefusedUpgrade(_ cause: String) -> Bool { cause.hasPrefix("HTTP ") }

    /// Why a connection ended: `close 1006 (no close frame)`, `close 1006 (no close frame): Connection reset by
    /// peer`, `close 1008: slow consumer`.
    static func close(code: UInt16, reason: String) -> String {
        let name = Self.closeCodeNames[code].map { " (\($0))" } ?? ""
        let reason = Self.clip(reason)
        return reason.isEmpty ? "close \(code)\(name)" : "close \(code)\(name): \(reason)"
    }

    private static let closeCodeNames: [UInt16: String] = [
        WebSocketCloseCode.goingAway: "going away", WebSocketCloseCode.protocolError: "protocol error",
        WebSocketCloseCode.noStatus: "no status", WebSocketCloseCode.abnormal: "no close frame",
        WebSocketCloseCode.invalidPayload: "invalid payload", WebSocketCloseCode.messageTooBig: "message too big",
        WebSocketCloseCode.policyViolation: "policy violation", WebSocketCloseCode.internalError: "server error", 1012: "service restart", 1013: "try again later",
    ]

    /// The reason a refused upgrade's body gives: chatserver's `{"error": code, "message": sentence}` as
    /// `code: sentence`, another JSON object's `error`/`message`/`reason`, or the start of a text body.
    static func bodyReason(_ body: String) -> String {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{"), let data = trimmed.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        {
            let code = object["error"] as? String
            let message = (object["message"] as? String) ?? (object["reason"] as? String)
            switch (code, message) {
            case (let code?, let message?): return Self.clip("\(code): \(message)")
            case (let code?, nil): return Self.clip(code)
            case (nil, let message?): return Self.clip(message)
            case (nil, nil): break
            }
        }
        if trimmed.hasPrefix("<") { return "" }  // an HTML error page says no more than its status
        return Self.clip(trimmed)
    }

    /// One line, control characters replaced, at most 120 characters: causes come from the peer.
    static func clip(_ text: String) -> String {
        var line = String(text.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : Character(scalar)
        })
        line = line.trimmingCharacters(in: .whitespaces)
        return line.count > 120 ? String(line.prefix(119)) + "…" : line
    }
}
