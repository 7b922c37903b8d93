import ChatKit

/// Socket.IO v5 over Engine.IO v4, WebSocket transport only (no long-polling): one Engine.IO packet per frame.
///
/// Engine.IO: the server opens with `0{"sid":…,"pingInterval":…}`, pings with `2`, and the client answers `3`.
/// Socket.IO packets ride in Engine.IO messages (`4`): CONNECT `40` (namespace and auth payload), EVENT `42[…]`,
/// ACK `43<id>[…]`, DISCONNECT `41`, CONNECT_ERROR `44{…}`. The user is ready when the CONNECT is accepted; then
/// it joins its rooms, with an ack id when ``SocketIOProtocolSettings/joinAck`` is set.
struct SocketIOAdapter: ProtocolAdapter {
    let settings: SocketIOProtocolSettings
    let events: JSONProtocolAdapter
    let userValues: [String: String]
    /// `/chat,` for a namespace other than `/`, written after the packet type.
    private let namespacePrefix: String

    init(settings: SocketIOProtocolSettings, userValues: [String: String] = [:]) {
        self.settings = settings
        self.events = JSONProtocolAdapter(settings: settings.events, userValues: userValues)
        self.userValues = userValues
        self.namespacePrefix = settings.namespace == "/" ? "" : settings.namespace + ","
    }

    var capabilities: ProtocolCapabilities {
        ProtocolCapabilities(
            joinAcks: self.settings.joinAck, whispers: self.settings.events.whisper != nil,
            presence: !self.settings.events.presenceTypes.isEmpty, leaves: self.settings.events.leave != nil,
            readyOnOpen: false)
    }

    /// Nothing before the server's open packet, which ``events(in:)`` answers with the CONNECT.
    func openingFrames(name: String, userIndex: Int) -> [String] { [] }

    func joinFrame(room: String, ackID: Int) -> String? {
        let event = self.events.joinFrame(room: room, ackID: ackID) ?? "[]"
        return "42" + self.namespacePrefix + (self.settings.joinAck ? String(ackID) : "") + event
    }

    func leaveFrame(room: String) -> String? {
        self.events.leaveFrame(room: room).map { "42" + self.namespacePrefix + $0 }
    }

    func sayFrame(room: String, text: String) -> String {
        "42" + self.namespacePrefix + self.events.sayFrame(room: room, text: text)
    }

    func whisperFrame(to name: String, text: String) -> String? {
        self.events.whisperFrame(to: name, text: text).map { "42" + self.namespacePrefix + $0 }
    }

    func events(in text: String) -> [ProtocolEvent] {
        guard let engineType = text.first else { return [] }
        switch engineType {
        case "0": return [.reply("40" + self.namespacePrefix + (self.settings.auth?.render(self.userValues) ?? ""))]
        case "2": return [.reply("3" + text.dropFirst())]
        case "1": return [.sessionEnded(reason: "Engine.IO close packet from the server")]
        case "4": return self.socketIOPacket(text.dropFirst())
        default: return []
        }
    }

    /// A Socket.IO packet (an Engine.IO message without its `4`): type digit, namespace, ack id, JSON payload.
    private func socketIOPacket(_ packet: Substring) -> [ProtocolEvent] {
        guard let type = packet.first else { return [] }
        var rest = packet.dropFirst()
        if rest.hasPrefix("/") {
            guard let comma = rest.firstIndex(of: ",") else { return [] }
            guard rest[..<comma] == self.settings.namespace else { return [] }  // another namespace
            rest = rest[rest.index(after: comma)...]
        } else if self.settings.namespace != "/" {
            return []
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        let ackID = Int(digits)
        rest = rest.dropFirst(digits.count)
        switch type {
        case "0": return [.ready]
        case "1": return [.sessionEnded(reason: "Socket.IO disconnect from the server")]
        case "2": return self.events.events(in: String(rest))
        case "3": return [.joined(room: nil, ackID: ackID)]
        case "4": return [.error(code: "socketio_connect_error")]
        default: return []
        }
    }
}

extension SocketIOAdapter {
    /// `target` with the Engine.IO query a WebSocket-only client sends (`EIO=4&transport=websocket`), and the
    /// default path `/socket.io/` when the target has none.
    static func engineURL(_ target: WebSocketURL) -> WebSocketURL {
        var url = target
        if url.requestTarget == "/" || url.requestTarget.isEmpty { url.requestTarget = "/socket.io/" }
        guard !url.requestTarget.contains("EIO=") else { return url }
        let separator = url.requestTarget.contains("?") ? "&" : "?"
        url.requestTarget += "\(separator)EIO=4&transport=websocket"
        return url
    }
}
