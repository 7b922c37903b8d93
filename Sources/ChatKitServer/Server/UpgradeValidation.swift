import ChatKitChat
import Foundation
import NIOHTTP1

/// A WebSocket upgrade the server accepts: who connects and which room they join at once.
struct AcceptedUpgrade: Sendable {
    var name: String
    var room: String?
}

/// Why an upgrade request to `/ws` is refused: an HTTP status and a JSON body.
struct HTTPRejection: Error, Sendable {
    var status: HTTPResponseStatus
    var code: String
    var message: String
    var extraHeaders: [(String, String)] = []
}

/// The checks an upgrade request to the chat endpoint must pass, in the order they are made.
/// Used twice: by NIO's upgrader (which then reserves the name) and by the HTTP handler, which explains a
/// refused upgrade to the client.
struct UpgradeValidation {
    let configuration: ServerConfiguration
    let isNameTaken: (String) -> Bool

    func evaluate(_ head: HTTPRequestHead) -> Result<AcceptedUpgrade, HTTPRejection> {
        let allowedHosts = AllowedHosts(configuration: self.configuration)
        if let rejection = Self.hostRejection(head, allowedHosts: allowedHosts) { return .failure(rejection) }
        let target = RequestTarget(head.uri)
        let isChat = self.configuration.mode == .chat
        guard target.path == "/ws" || !isChat else {
            return .failure(HTTPRejection(status: .notFound, code: "not_found", message: "no such path"))
        }
        guard head.method == .GET else {
            return .failure(HTTPRejection(
                status: .methodNotAllowed, code: "method_not_allowed", message: "use GET to open a WebSocket",
                extraHeaders: [("Allow", "GET")]))
        }
        let upgrade = head.headers[canonicalForm: "upgrade"].map { $0.lowercased() }
        let connection = head.headers[canonicalForm: "connection"].map { $0.lowercased() }
        guard upgrade.contains("websocket"), connection.contains("upgrade") else {
            return .failure(HTTPRejection(
                status: .upgradeRequired, code: "upgrade_required",
                message: "this endpoint speaks WebSocket: send Upgrade: websocket and Connection: Upgrade",
                extraHeaders: [("Upgrade", "websocket")]))
        }
        let versions = head.headers["Sec-WebSocket-Version"]
        guard versions == ["13"] else {
            let message = versions.isEmpty
                ? "missing Sec-WebSocket-Version header" : "unsupported Sec-WebSocket-Version (only 13 is)"
            return .failure(HTTPRejection(
                status: .badRequest, code: "bad_handshake", message: message,
                extraHeaders: [("Sec-WebSocket-Version", "13")]))
        }
        let keys = head.headers["Sec-WebSocket-Key"]
        guard keys.count == 1, let key = keys.first else {
            return .failure(HTTPRejection(
                status: .badRequest, code: "bad_handshake",
                message: keys.isEmpty ? "missing Sec-WebSocket-Key header" : "more than one Sec-WebSocket-Key header"))
        }
        guard Data(base64Encoded: String(key.trimmingOptionalWhitespace))?.count == 16 else {
            return .failure(HTTPRejection(
                status: .badRequest, code: "bad_handshake",
                message: "Sec-WebSocket-Key must be 16 bytes in base64"))
        }
        if let origin = head.headers.first(name: "Origin"),
            !self.isOriginAllowed(origin, host: head.headers.first(name: "Host"), allowedHosts: allowedHosts)
        {
            return .failure(HTTPRejection(
                status: .forbidden, code: "origin_not_allowed",
                message: "origin \(origin) may not connect: it is not one of the server's allowed origins"))
        }
        // Broadcast and echo modes take anyone, on any path: no names, no rooms.
        guard isChat else { return .success(AcceptedUpgrade(name: "", room: nil)) }
        guard let name = target.query["name"].map(NameRules.normalized) else {
            return .failure(HTTPRejection(
                status: .badRequest, code: "invalid_name", message: "missing query parameter name (GET /ws?name=alice)"))
        }
        if let problem = NameRules.userNameProblem(name) {
            return .failure(HTTPRejection(status: .badRequest, code: "invalid_name", message: problem))
        }
        let room = target.query["room"]
        if let room, let problem = NameRules.roomNameProblem(room) {
            return .failure(HTTPRejection(status: .badRequest, code: "invalid_room", message: problem))
        }
        if self.isNameTaken(name) {
            return .failure(HTTPRejection(
                status: .conflict, code: "name_taken", message: "the name \"\(name)\" is already connected"))
        }
        return .success(AcceptedUpgrade(name: name, room: room))
    }

    /// The `421 misdirected_request` for a request whose `Host` is not an allowed host (DNS rebinding), else
    /// `nil`. Made before any route or upgrade.
    static func hostRejection(_ head: HTTPRequestHead, allowedHosts: AllowedHosts) -> HTTPRejection? {
        let hosts = head.headers["Host"]
        if hosts.count > 1 {
            return HTTPRejection(
                status: .misdirectedRequest, code: "misdirected_request", message: "more than one Host header")
        }
        guard !allowedHosts.allows(hostHeader: hosts.first) else { return nil }
        let shown = String(hosts.first?.prefix(100) ?? "")
        return HTTPRejection(
            status: .misdirectedRequest, code: "misdirected_request",
            message: "this server does not answer to host \(shown): it is not one of the server's allowed hosts")
    }

    /// Origins on the allow list may connect, and pages of the server's own origin: an origin whose host is
    /// the request's `Host` and an allowed host (never the `Host` header alone, which a rebound DNS name controls).
    private func isOriginAllowed(_ origin: String, host: String?, allowedHosts: AllowedHosts) -> Bool {
        let allowed = self.configuration.allowedOrigins
        if allowed.contains("*") { return true }
        let normalized = origin.lowercased().trimmingSuffix("/")
        if allowed.contains(where: { $0.lowercased().trimmingSuffix("/") == normalized }) { return true }
        guard let host = host?.lowercased() else { return false }
        for scheme in ["http://", "https://"] where normalized == scheme + host {
            return allowedHosts.allows(authority: host)
        }
        return false
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        self.hasSuffix(suffix) ? String(self.dropLast(suffix.count)) : self
    }

    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace), without Foundation.
    fileprivate var trimmingOptionalWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isSpace($0) }), let last = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return self[first...last]
    }
}

/// The path and decoded query parameters of a request target such as `/ws?name=alice&room=lobby`.
struct RequestTarget {
    var path: String
    var query: [String: String]

    init(_ uri: String) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = parts.first.map(String.init) ?? "/"
        self.query = [:]
        guard parts.count == 2 else { return }
        for pair in parts[1].split(separator: "&") {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(keyValue[0])
            let value = keyValue.count == 2 ? Self.decode(keyValue[1]) : ""
            if self.query[key] == nil { self.query[key] = value }
        }
    }

    /// Path segments, percent-decoded (`/admin/rooms/a%20b` → `["admin", "rooms", "a b"]`).
    var segments: [String] {
        self.path.split(separator: "/").map { Self.decode($0) }
    }

    private static func decode(_ text: Substring) -> String {
        // Most names and rooms need no decoding: skip Foundation's (slow) replacing and percent-decoding.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(text) }
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
