import ChatKitChat
import Foundation

/// One event on a room channel, as the Lua scripts publish it (and keep it in the history list, for messages):
///
/// ```json
/// {"ev":12,"kind":"message","message":{"content":"hi","from":"alice","room":"lobby","ts":1732740010123},"seq":7}
/// {"ev":13,"kind":"join","name":"bob","node":"node-a","seq":7}
/// {"ev":14,"kind":"leave","name":"bob","node":"node-a","seq":7,"sync":true}
/// ```
///
/// `ev` numbers every event of the room (1, 2, 3, … with no gap), `seq` is the room's message sequence number
/// (for presence: the last one assigned when it happened). `sync` marks presence a recovering node published to
/// put Redis back in line with what it had already shown its own members; that node does not show it again.
struct ClusterEvent: Codable, Sendable, Equatable {
    /// What happened.
    enum Kind: String, Codable, Sendable {
        case message, join, leave
    }

    /// The fields of a `message` event besides `seq`.
    struct Body: Codable, Sendable, Equatable {
        var room: String
        var from: String
        var content: String
        var id: String?
        var ts: Int64
    }

    var ev: Int
    var kind: Kind
    var seq: Int
    var name: String?
    var node: String?
    var sync: Bool?
    var message: Body?

    /// The chat message of a `message` event.
    var chatMessage: ChatMessage? {
        self.message.map {
            ChatMessage(room: $0.room, from: $0.from, content: $0.content, id: $0.id, seq: self.seq, ts: $0.ts)
        }
    }

    /// Decodes an envelope; `nil` for anything else (which is logged and ignored by the caller).
    static func decode(_ text: String) -> ClusterEvent? {
        try? JSONDecoder().decode(ClusterEvent.self, from: Data(text.utf8))
    }

    /// The envelope of a message event, as the `say` script builds it (used to put history back after Redis
    /// lost it).
    static func envelope(_ message: ChatMessage, ev: Int) -> String {
        let event = ClusterEvent(
            ev: ev, kind: .message, seq: message.seq, name: nil, node: nil, sync: nil,
            message: Body(
                room: message.room, from: message.from, content: message.content, id: message.id, ts: message.ts))
        return JSONText.encode(event)
    }

    /// The JSON object the `say` script wraps into an envelope.
    static func body(room: String, from: String, content: String, id: String?, ts: Int64) -> String {
        JSONText.encode(Body(room: room, from: from, content: content, id: id, ts: ts))
    }
}

/// What goes on a node channel: a whisper for one of the node's users.
struct ClusterWhisper: Codable, Sendable {
    var whisper: WhisperMessage
}
