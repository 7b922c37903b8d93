import Foundation

/// Any JSON-over-WebSocket chat protocol, described by a scenario's `json` block (``JSONProtocolSettings``):
/// frames to send are templates, received frames are read through JSON Pointers and their type value.
struct JSONProtocolAdapter: ProtocolAdapter {
    let settings: JSONProtocolSettings
    /// Values every frame of this user may use: `{name}`, `{i}`, `{token}`.
    let userValues: [String: String]

    init(settings: JSONProtocolSettings, userValues: [String: String] = [:]) {
        self.settings = settings
        self.userValues = userValues
    }

    var capabilities: ProtocolCapabilities {
        ProtocolCapabilities(
            joinAcks: !self.settings.joinedTypes.isEmpty, whispers: self.settings.whisper != nil,
            presence: !self.settings.presenceTypes.isEmpty, leaves: self.settings.leave != nil, readyOnOpen: true)
    }

    private func render(_ template: JSONFrameTemplate, _ values: [String: String]) -> String {
        template.render(self.userValues.merging(values) { _, new in new })
    }

    func openingFrames(name: String, userIndex: Int) -> [String] {
        guard let hello = self.settings.hello else { return [] }
        return [self.render(hello, ["name": name, "i": String(userIndex)])]
    }

    func joinFrame(room: String, ackID: Int) -> String? { self.render(self.settings.join, ["room": room]) }

    func leaveFrame(room: String) -> String? { self.settings.leave.map { self.render($0, ["room": room]) } }

    func sayFrame(room: String, text: String) -> String { self.render(self.settings.say, ["room": room, "text": text]) }

    func whisperFrame(to name: String, text: String) -> String? {
        self.settings.whisper.map { self.render($0, ["to": name, "text": text]) }
    }

    func events(in text: String) -> [ProtocolEvent] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return [.error(code: "undecodable_frame")]
        }
        guard let type = self.settings.typeAt.string(in: root) else { return [] }
        let settings = self.settings
        let room = settings.roomAt?.string(in: root)
        if settings.messageTypes.contains(type) {
            guard let body = settings.textAt.string(in: root) else { return [.error(code: "message_without_text")] }
            return [.roomMessage(room: room, sender: settings.senderAt?.string(in: root), text: body)]
        }
        if settings.whisperTypes.contains(type) {
            guard let body = settings.textAt.string(in: root) else { return [.error(code: "whisper_without_text")] }
            return [.whisper(from: settings.senderAt?.string(in: root), to: settings.recipientAt?.string(in: root), text: body)]
        }
        if settings.joinedTypes.contains(type) { return [.joined(room: room, ackID: nil)] }
        if settings.presenceTypes.contains(type) { return [.presence(room: room, name: settings.nameAt?.string(in: root))] }
        if settings.errorTypes.contains(type) { return [.error(code: "\(type)")] }
        return []
    }
}
