import Foundation
import NIOCore
import NIOHTTP1

/// The plain HTTP side of the server: the chat page, health, readiness, metrics, the admin API, and
/// explanations of refused upgrades. Pure: a request in, a response out; the channel handler does the I/O.
struct HTTPRoutes {
    let server: ServerContext

    /// The answer to requests that must wait for the cluster (an announcement in cluster mode), or `nil` when
    /// ``respond(to:body:)`` answers at once.
    func deferredResponse(
        to head: HTTPRequestHead, body: ByteBuffer?, on eventLoop: EventLoop
    ) -> EventLoopFuture<HTTPResponse>? {
        guard self.server.cluster != nil, head.method == .POST else { return nil }
        let segments = RequestTarget(head.uri).segments
        guard segments.count == 4, segments[0] == "admin", segments[1] == "rooms", segments[3] == "messages" else {
            return nil
        }
        // A missing token or a bad body is answered by respond(to:body:) as usual; only the posting waits.
        let room = segments[2]
        guard self.isAuthorized(head), case .success(let content) = self.announcement(body: body) else { return nil }
        do {
            return self.server.hub.announce(room: room, content: content, on: eventLoop).map { message in
                guard let message else { return .error(.notFound, "unknown_room", "no room named \"\(room)\"") }
                return .json(.created, message)
            }.recover { _ in
                .error(.serviceUnavailable, "cluster_unavailable", "the chat cluster is unavailable: try again later")
            }
        }
    }

    /// A response carried as an error, so body checks can share `Result`.
    struct HTTPResponseFailure: Error {
        var response: HTTPResponse
        init(_ response: HTTPResponse) { self.response = response }
    }

    private func isAuthorized(_ head: HTTPRequestHead) -> Bool {
        guard let token = self.server.configuration.adminToken, !token.isEmpty,
            let authorization = head.headers.first(name: "Authorization")
        else { return false }
        return Self.bearerMatches(authorization, token: token)
    }

    /// The answer to an admin request that may not go on (admin API disabled, or no valid token), known from
    /// its head alone, so that the body of a refused request is never read; `nil` when it may go on.
    func adminRefusal(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard RequestTarget(head.uri).segments.first == "admin" else { return nil }
        guard let token = self.server.configuration.adminToken, !token.isEmpty else {
            return .error(.notFound, "admin_disabled", "the admin API is disabled: the server has no admin token")
        }
        return Self.refusal(head, token: token)
    }

    func respond(to head: HTTPRequestHead, body: ByteBuffer?) -> HTTPResponse {
        let target = RequestTarget(head.uri)
        let segments = target.segments
        switch segments.first {
        case nil where target.path == "/" && self.servesChatPage:
            return self.only(.GET, head) { ChatPage.response }
        case "healthz" where segments.count == 1:
            return self.only(.GET, head) { self.health() }
        case "readyz" where segments.count == 1:
            return self.only(.GET, head) { self.readiness() }
        case "metrics" where segments.count == 1:
            return self.only(.GET, head) { self.metrics(head) }
        case "ws" where segments.count == 1 && self.server.isDraining.load(ordering: .relaxed):
            return .error(.serviceUnavailable, "shutting_down", "the server is shutting down")
        case "ws" where segments.count == 1 && self.server.cluster?.isReady == false:
            return .error(
                .serviceUnavailable, "cluster_unavailable",
                "this node cannot reach the cluster's Redis: connect to another node or try again later")
        case _ where self.server.configuration.mode != .chat && head.headers[canonicalForm: "upgrade"].contains(where: {
            $0.lowercased() == "websocket"
        }):
            // A refused upgrade in broadcast or echo mode (any path): say why.
            switch self.server.upgradeValidation.evaluate(head) {
            case .failure(let rejection): return HTTPResponse(rejection)
            case .success:
                return .error(.serviceUnavailable, "upgrade_failed", "the upgrade could not be completed: try again")
            }
        case "ws" where segments.count == 1:
            // NIO's upgrader passed this request on: say why it is not an acceptable upgrade.
            switch self.server.upgradeValidation.evaluate(head) {
            case .failure(let rejection): return HTTPResponse(rejection)
            case .success:
                return .error(.serviceUnavailable, "upgrade_failed", "the upgrade could not be completed: try again")
            }
        case "admin":
            return self.admin(head, Array(segments.dropFirst()), body: body)
        default:
            return .error(.notFound, "not_found", "no such path: \(target.path)")
        }
    }

    /// The page speaks the chat protocol, so broadcast and echo modes do not serve it.
    private var servesChatPage: Bool {
        self.server.configuration.servesChatPage && self.server.configuration.mode == .chat
    }

    private func only(_ method: HTTPMethod, _ head: HTTPRequestHead, _ respond: () -> HTTPResponse) -> HTTPResponse {
        guard head.method == method || (method == .GET && head.method == .HEAD) else {
            return .error(
                .methodNotAllowed, "method_not_allowed", "\(head.method) is not allowed here; use \(method)",
                headers: [("Allow", "\(method)")])
        }
        return respond()
    }

    // MARK: Health

    private func health() -> HTTPResponse {
        let uptime = Double((NIODeadline.now() - self.server.startedAt).nanoseconds) / 1e9
        let draining = self.server.isDraining.load(ordering: .relaxed)
        return .json(.ok, HealthStatus(
            status: draining ? "draining" : "ok",
            uptimeSeconds: (uptime * 1000).rounded() / 1000,
            connections: self.server.stats.connectionsCurrent.load(ordering: .relaxed),
            rooms: self.server.hub.roomCount,
            cluster: self.server.cluster.map { $0.isReady ? "ready" : "degraded" },
            node: self.server.cluster?.nodeID))
    }

    private func readiness() -> HTTPResponse {
        if self.server.isDraining.load(ordering: .relaxed) {
            return .json(.serviceUnavailable, ReadinessStatus(status: "draining"))
        }
        if self.server.cluster?.isReady == false {
            return .json(.serviceUnavailable, ReadinessStatus(status: "degraded"))
        }
        return .json(.ok, ReadinessStatus(status: "ready"))
    }

    // MARK: Metrics

    /// The Prometheus exposition, subject to `metricsAccess`.
    private func metrics(_ head: HTTPRequestHead) -> HTTPResponse {
        switch self.server.configuration.metricsAccess {
        case .off:
            return .error(.notFound, "metrics_disabled", "metrics are disabled on this server")
        case .token:
            guard let token = self.server.configuration.adminToken, !token.isEmpty else {
                return .error(
                    .notFound, "metrics_disabled", "metrics need the admin token, and the server has none")
            }
            if let refusal = Self.refusal(head, token: token) { return refusal }
        case .public:
            break
        }
        return .prometheus(
            self.server.stats.metrics.exposition(
                connections: self.server.stats.connectionsCurrent.load(ordering: .relaxed),
                rooms: self.server.hub.roomCount))
    }

    // MARK: Admin

    private func admin(_ head: HTTPRequestHead, _ path: [String], body: ByteBuffer?) -> HTTPResponse {
        if let refusal = self.adminRefusal(head) { return refusal }
        let hub = self.server.hub
        switch path.count {
        case 1 where path[0] == "rooms":
            return self.only(.GET, head) { .json(.ok, RoomList(rooms: hub.roomSummaries())) }
        case 1 where path[0] == "stats":
            return self.only(.GET, head) { .json(.ok, self.server.stats.snapshot) }
        case 3 where path[0] == "rooms" && path[2] == "users":
            return self.only(.GET, head) {
                guard let users = hub.memberDetails(room: path[1]) else {
                    return .error(.notFound, "unknown_room", "no room named \"\(path[1])\"")
                }
                return .json(.ok, RoomUsers(room: path[1], users: users))
            }
        case 3 where path[0] == "rooms" && path[2] == "messages":
            return self.only(.POST, head) { self.announce(room: path[1], body: body) }
        case 2 where path[0] == "users":
            return self.only(.DELETE, head) {
                let reason = RequestTarget(head.uri).query["reason"] ?? "kicked by an operator"
                guard hub.kick(path[1], reason: reason) else {
                    return .error(.notFound, "unknown_user", "no user named \"\(path[1])\" is connected")
                }
                return .json(.ok, KickResult(kicked: path[1], reason: reason))
            }
        default:
            return .error(.notFound, "not_found", "no such admin path: \(head.uri)")
        }
    }

    /// The content of an announcement body, or the response explaining why it is not one.
    private func announcement(body: ByteBuffer?) -> Result<String, HTTPResponseFailure> {
        guard let body, body.readableBytes > 0 else {
            return .failure(HTTPResponseFailure(
                .error(.badRequest, "missing_body", "send a JSON body {\"content\": \"…\"}")))
        }
        let announcement: Announcement
        do {
            announcement = try JSONDecoder().decode(Announcement.self, from: Data(body.readableBytesView))
        } catch {
            return .failure(HTTPResponseFailure(
                .error(.badRequest, "bad_json", "body must be a JSON object with a string field \"content\"")))
        }
        let limit = self.server.configuration.maxContentBytes
        guard announcement.content.utf8.count <= limit else {
            return .failure(HTTPResponseFailure(
                .error(.badRequest, "too_long", "content is longer than \(limit) bytes")))
        }
        return .success(announcement.content)
    }

    private func announce(room: String, body: ByteBuffer?) -> HTTPResponse {
        let content: String
        switch self.announcement(body: body) {
        case .failure(let failure): return failure.response
        case .success(let text): content = text
        }
        guard let message = self.server.hub.announce(room: room, content: content) else {
            return .error(.notFound, "unknown_room", "no room named \"\(room)\"")
        }
        return .json(.created, message)
    }

    /// The 401 for a request without `Authorization: Bearer <token>`; `nil` when it has it.
    private static func refusal(_ head: HTTPRequestHead, token: String) -> HTTPResponse? {
        guard let authorization = head.headers.first(name: "Authorization") else {
            return .error(.unauthorized, "unauthorized", "missing Authorization: Bearer <token>",
                          headers: [("WWW-Authenticate", "Bearer")])
        }
        guard Self.bearerMatches(authorization, token: token) else {
            return .error(.unauthorized, "unauthorized", "wrong admin token", headers: [("WWW-Authenticate", "Bearer")])
        }
        return nil
    }

    /// Whether `authorization` is `Bearer <token>`, the scheme in any case (RFC 7235: `bearer`, `BEARER`…).
    private static func bearerMatches(_ authorization: String, token: String) -> Bool {
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return Self.constantTimeEqual(String(parts[1].drop(while: { $0 == " " })), token)
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<min(a.count, b.count) { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
