import NIOCore

/// The server side of one chat connection: turns WebSocket messages into hub requests.
/// Lives on the connection's event loop.
final class ChatSession: WebSocketDelegate {
    private let name: String
    private let initialRoom: String?
    private let hub: ChatHub
    private var rateLimiter: RateLimiter?
    private var member: ChatMember?

    init(name: String, initialRoom: String?, hub: ChatHub, configuration: ServerConfiguration) {
        self.name = name
        self.initialRoom = initialRoom
        self.hub = hub
        self.rateLimiter = configuration.rateLimitPerSecond.map {
            RateLimiter(ratePerSecond: $0, burst: configuration.rateLimitBurst)
        }
    }

    func webSocketDidOpen(_ connection: WebSocketConnection) {
        let member = ChatMember(name: self.name, connection: connection)
        self.member = member
        self.hub.stats.connectionsCurrent.wrappingIncrement(ordering: .relaxed)
        self.hub.stats.connectionsTotal.wrappingIncrement(ordering: .relaxed)
        self.hub.attach(member, initialRoom: self.initialRoom)
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        guard let member = self.member else { return }
        self.hub.stats.messagesIn.wrappingIncrement(ordering: .relaxed)
        self.hub.stats.bytesIn.wrappingIncrement(by: text.utf8.count, ordering: .relaxed)
        let frame = ClientFrame.decode(text)
        if self.rateLimiter?.allow() == false {
            return self.hub.sendError(
                .rateLimited, "too many requests: slow down", id: try? frame.get().id, to: member)
        }
        switch frame {
        case .success(let frame):
            self.hub.handle(frame, from: member)
        case .failure(let error):
            self.hub.sendError(error.code, error.message, id: error.id, to: member)
        }
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        connection.close(code: WebSocketCloseCode.unacceptableData, reason: "binary frames are not part of the chat protocol")
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        guard let member = self.member else { return }
        self.member = nil
        self.hub.stats.connectionsCurrent.wrappingDecrement(ordering: .relaxed)
        self.hub.detach(member)
    }
}
