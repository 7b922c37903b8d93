import ChatKitChat
import ChatKitWebSocket
import NIOCore

/// The server side of one chat connection: turns WebSocket messages into hub requests.
/// Lives on the connection's event loop.
final class ChatSession: WebSocketDelegate {
    private let name: String
    private let initialRoom: String?
    private let hub: ChatHub
    private let stats: ServerStats
    private var rateLimiter: RateLimiter?
    /// This connection's `join` bucket (``ServerConfiguration/joinRatePerConnection``).
    private var joinLimiter: RateLimiter?
    private let joinRate: RateLimit?
    private let joinRatePerIP: RateLimit?
    /// The peer's address, and the server's buckets per address (``ServerConfiguration/joinRatePerIP``).
    private let peerAddress: String?
    private let admission: ConnectionAdmission?
    private let maxIDBytes: Int
    private var member: ChatMember?

    init(
        name: String, initialRoom: String?, hub: ChatHub, stats: ServerStats, configuration: ServerConfiguration,
        peerAddress: String? = nil, admission: ConnectionAdmission? = nil
    ) {
        self.name = name
        self.initialRoom = initialRoom
        self.hub = hub
        self.stats = stats
        self.maxIDBytes = configuration.maxIDBytes
        self.rateLimiter = configuration.rateLimitPerSecond.map {
            RateLimiter(ratePerSecond: $0, burst: configuration.rateLimitBurst)
        }
        self.joinRate = configuration.joinRatePerConnection
        self.joinLimiter = configuration.joinRatePerConnection.map {
            RateLimiter(ratePerSecond: $0.perSecond, burst: $0.burst)
        }
        self.joinRatePerIP = configuration.joinRatePerIP
        self.peerAddress = peerAddress
        self.admission = admission
    }

    func webSocketDidOpen(_ connection: WebSocketConnection) {
        let member = ChatMember(name: self.name, connection: connection)
        self.member = member
        self.stats.connectionOpened()
        self.hub.attach(member, initialRoom: self.initialRoom)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        self.received(ClientFrame.decode(text), bytes: text.utf8.count)
    }

    /// Reads the frame from its bytes: no `String` of the whole frame, no Foundation for the common shapes.
    func webSocket(_ connection: WebSocketConnection, didReceiveTextBytes bytes: ByteBuffer) {
        self.received(ClientFrame.decode(bytes), bytes: bytes.readableBytes)
    }

    private func received(_ frame: Result<ClientFrame, ClientFrameError>, bytes: Int) {
        guard let member = self.member else { return }
        let receivedAt = NIODeadline.now()
        self.stats.received(InboundMessageKind(frame), bytes: bytes)
        let id: String? =
            switch frame {
            case .success(let frame): frame.id
            case .failure(let error): error.id
            }
        // An id over the limit is never kept, echoed or sent to anyone: the request is refused without it.
        let idTooLong = (id?.utf8.count ?? 0) > self.maxIDBytes
        if self.rateLimiter?.allow() == false {
            return self.hub.sendError(
                .rateLimited, "too many requests: slow down", id: idTooLong ? nil : id, to: member)
        }
        if idTooLong {
            return self.hub.sendError(
                .idTooLong, "id is longer than \(self.maxIDBytes) bytes (UTF-8)", id: nil, to: member)
        }
        switch frame {
        case .success(let request):
            // Joins have a limit of their own, checked before the hub is called: each replays a room's history to
            // the joiner and tells every member.
            if case .join = request, let refusal = self.joinRefusal() {
                return self.hub.sendError(.joinRateLimited, refusal, id: request.id, to: member)
            }
            self.hub.handle(request, from: member, receivedAt: receivedAt)
        case .failure(let error):
            self.hub.sendError(error.code, error.message, id: error.id, to: member)
        }
    }

    /// Takes a token from this connection's join bucket, then from its address's: `nil` when the join may go on,
    /// else why not, naming the limit. A join refused by the connection's bucket takes none of its address's.
    private func joinRefusal() -> String? {
        if let rate = self.joinRate, self.joinLimiter?.allow() == false {
            return "too many joins: at most \(rate) per connection"
        }
        if let rate = self.joinRatePerIP, self.admission?.allowsJoin(from: self.peerAddress) == false {
            return "too many joins from \(self.peerAddress ?? "your address"): at most \(rate) for all its connections "
                + "together"
        }
        return nil
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        connection.close(
            code: WebSocketCloseCode.unacceptableData, reason: "binary frames are not part of the chat protocol",
            cause: .unsupportedData)
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        guard let member = self.member else { return }
        self.member = nil
        self.stats.connectionClosed(connection, code: code)
        self.hub.detach(member)
    }
}
