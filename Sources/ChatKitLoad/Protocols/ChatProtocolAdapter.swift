import ChatKit

/// ChatKit's own protocol (docs/protocol.md). Sends go through here; received frames keep their fast path
/// (``FrameScanner`` and ``ServerFrame``) and seq-based accounting in `SimulatedUser+ChatAccounting.swift`, so
/// ``events(in:)`` is not used by the runner.
struct ChatProtocolAdapter: ProtocolAdapter {
    var capabilities: ProtocolCapabilities {
        ProtocolCapabilities(joinAcks: true, whispers: true, presence: true, leaves: true, readyOnOpen: false)
    }

    func openingFrames(name: String, userIndex: Int) -> [String] { [] }
    func joinFrame(room: String, ackID: Int) -> String? { ClientFrame.join(room: room, id: "join").encoded() }
    func leaveFrame(room: String) -> String? { ClientFrame.leave(room: room, id: "leave").encoded() }
    func sayFrame(room: String, text: String) -> String { self.sayFrame(room: room, text: text, id: nil) }
    func whisperFrame(to name: String, text: String) -> String? { self.whisperFrame(to: name, text: text, id: nil) }

    /// A `say` carrying chatctl's timing id (the chat protocol times copies from the id, not from the text).
    func sayFrame(room: String, text: String, id: String?) -> String {
        ClientFrame.say(room: room, content: text, id: id).encoded()
    }

    /// A `whisper` carrying chatctl's timing id.
    func whisperFrame(to name: String, text: String, id: String?) -> String {
        ClientFrame.whisper(to: name, content: text, id: id).encoded()
    }

    func events(in text: String) -> [ProtocolEvent] {
        guard let frame = try? ServerFrame.decode(text) else { return [.error(code: "undecodable_frame")] }
        switch frame {
        case .welcome: return [.ready]
        case .joined(let room, _, _, _, _, _, _): return [.joined(room: room, ackID: nil)]
        case .message(let message): return [.roomMessage(room: message.room, sender: message.from, text: message.content)]
        case .whisper(let whisper): return [.whisper(from: whisper.from, to: whisper.to, text: whisper.content)]
        case .presence(let room, let name, _): return [.presence(room: room, name: name)]
        case .error(let code, _, _): return [.error(code: code.rawValue)]
        case .left, .history, .users: return []
        }
    }
}
