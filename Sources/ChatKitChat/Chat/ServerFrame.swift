import Foundation

/// A message posted to a room, as members receive it and as history keeps it.
public struct ChatMessage: Codable, Sendable, Equatable {
    /// The room it was posted to.
    public var room: String
    /// The sender's name (`@system` for operator announcements).
    public var from: String
    /// The text.
    public var content: String
    /// The sender's correlation id, when it gave one.
    public var id: String?
    /// The room's sequence number: 1 for the room's first message, then strictly increasing by one.
    public var seq: Int
    /// Server time of acceptance, milliseconds since the Unix epoch.
    public var ts: Int64

    /// Creates a message.
    public init(room: String, from: String, content: String, id: String?, seq: Int, ts: Int64) {
        self.room = room
        self.from = from
        self.content = content
        self.id = id
        self.seq = seq
        self.ts = ts
    }
}

/// A private message, delivered to its addressee and echoed to its sender.
public struct WhisperMessage: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var content: String
    public var id: String?
    /// Server time of acceptance, milliseconds since the Unix epoch.
    public var ts: Int64

    /// Creates a whisper.
    public init(from: String, to: String, content: String, id: String?, ts: Int64) {
        self.from = from
        self.to = to
        self.content = content
        self.id = id
        self.ts = ts
    }
}

/// Whether a presence event reports a member arriving or going.
public enum PresenceEvent: String, Codable, Sendable {
    case join
    case leave
}

/// What the chat server sends, as a JSON text frame with a `type` field (see docs/protocol.md).
public enum ServerFrame: Sendable, Equatable {
    /// First frame on a new connection: the name the server knows you by.
    case welcome(name: String)
    /// Join acknowledgement. `seq` is the room's last assigned sequence number: every message after
    /// the join has a larger one. Only for a `join` with `since`: `epoch` names this incarnation of the room,
    /// `recovered` says whether the `history` that follows is exactly the messages after `since`, and when it
    /// is not, `firstSeq` is the first seq the room still has (the client missed `since + 1 ..< firstSeq`).
    case joined(
        room: String, name: String, seq: Int, id: String?, epoch: String? = nil, recovered: Bool? = nil,
        firstSeq: Int? = nil)
    /// Leave acknowledgement. `seq` is the room's last assigned sequence number when you left: you received
    /// every message from the `joined` seq + 1 up to it.
    case left(room: String, seq: Int, id: String?)
    /// The last messages of a room, oldest first, sent right after `joined`.
    case history(room: String, messages: [ChatMessage], id: String?)
    /// A room message.
    case message(ChatMessage)
    /// A private message.
    case whisper(WhisperMessage)
    /// Someone else joined or left a room you are in.
    case presence(room: String, name: String, event: PresenceEvent)
    /// The members of a room, sorted by name: one page of at most the server's page size (1000 by default).
    /// `next`, when present, is the last name of this page: ask `users` with `after` set to it for the rest.
    case users(room: String, names: [String], id: String?, next: String? = nil)
    /// A request failed; the connection stays open.
    case error(code: ChatErrorCode, message: String, id: String?)

    /// The frame's `type` field.
    public var type: String {
        switch self {
        case .welcome: return "welcome"
        case .joined: return "joined"
        case .left: return "left"
        case .history: return "history"
        case .message: return "message"
        case .whisper: return "whisper"
        case .presence: return "presence"
        case .users: return "users"
        case .error: return "error"
        }
    }
}

extension ServerFrame: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, name, room, seq, id, messages, from, to, content, ts, event, names, code, message, next
        case epoch, recovered, firstSeq
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.type, forKey: .type)
        switch self {
        case .welcome(let name):
            try container.encode(name, forKey: .name)
        case .joined(let room, let name, let seq, let id, let epoch, let recovered, let firstSeq):
            try container.encode(room, forKey: .room)
            try container.encode(name, forKey: .name)
            try container.encode(seq, forKey: .seq)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encodeIfPresent(epoch, forKey: .epoch)
            try container.encodeIfPresent(recovered, forKey: .recovered)
            try container.encodeIfPresent(firstSeq, forKey: .firstSeq)
        case .left(let room, let seq, let id):
            try container.encode(room, forKey: .room)
            try container.encode(seq, forKey: .seq)
            try container.encodeIfPresent(id, forKey: .id)
        case .history(let room, let messages, let id):
            try container.encode(room, forKey: .room)
            try container.encode(messages, forKey: .messages)
            try container.encodeIfPresent(id, forKey: .id)
        case .message(let message):
            try container.encode(message.room, forKey: .room)
            try container.encode(message.from, forKey: .from)
            try container.encode(message.content, forKey: .content)
            try container.encodeIfPresent(message.id, forKey: .id)
            try container.encode(message.seq, forKey: .seq)
            try container.encode(message.ts, forKey: .ts)
        case .whisper(let whisper):
            try container.encode(whisper.from, forKey: .from)
            try container.encode(whisper.to, forKey: .to)
            try container.encode(whisper.content, forKey: .content)
            try container.encodeIfPresent(whisper.id, forKey: .id)
            try container.encode(whisper.ts, forKey: .ts)
        case .presence(let room, let name, let event):
            try container.encode(room, forKey: .room)
            try container.encode(name, forKey: .name)
            try container.encode(event, forKey: .event)
        case .users(let room, let names, let id, let next):
            try container.encode(room, forKey: .room)
            try container.encode(names, forKey: .names)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encodeIfPresent(next, forKey: .next)
        case .error(let code, let message, let id):
            try container.encode(code, forKey: .code)
            try container.encode(message, forKey: .message)
            try container.encodeIfPresent(id, forKey: .id)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        let id = try c.decodeIfPresent(String.self, forKey: .id)
        switch type {
        case "welcome":
            self = .welcome(name: try c.decode(String.self, forKey: .name))
        case "joined":
            self = .joined(
                room: try c.decode(String.self, forKey: .room),
                name: try c.decode(String.self, forKey: .name),
                seq: try c.decode(Int.self, forKey: .seq),
                id: id,
                epoch: try c.decodeIfPresent(String.self, forKey: .epoch),
                recovered: try c.decodeIfPresent(Bool.self, forKey: .recovered),
                firstSeq: try c.decodeIfPresent(Int.self, forKey: .firstSeq)
            )
        case "left":
            self = .left(room: try c.decode(String.self, forKey: .room), seq: try c.decode(Int.self, forKey: .seq), id: id)
        case "history":
            self = .history(
                room: try c.decode(String.self, forKey: .room),
                messages: try c.decode([ChatMessage].self, forKey: .messages),
                id: id
            )
        case "message":
            self = .message(try ChatMessage(from: decoder))
        case "whisper":
            self = .whisper(try WhisperMessage(from: decoder))
        case "presence":
            self = .presence(
                room: try c.decode(String.self, forKey: .room),
                name: try c.decode(String.self, forKey: .name),
                event: try c.decode(PresenceEvent.self, forKey: .event)
            )
        case "users":
            self = .users(
                room: try c.decode(String.self, forKey: .room),
                names: try c.decode([String].self, forKey: .names),
                id: id,
                next: try c.decodeIfPresent(String.self, forKey: .next)
            )
        case "error":
            self = .error(
                code: try c.decode(ChatErrorCode.self, forKey: .code),
                message: try c.decode(String.self, forKey: .message),
                id: id
            )
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown type \(type)")
        }
    }

    /// Parses a frame the server sent.
    public static func decode(_ text: String) throws -> ServerFrame {
        try JSONDecoder().decode(ServerFrame.self, from: Data(text.utf8))
    }

    /// The JSON text of the frame.
    public func encoded() -> String { JSONText.encode(self) }
}
