import Foundation
import NIOCore

/// A request a chat client sends, as a JSON text frame with a `type` field (see docs/protocol.md).
public enum ClientFrame: Sendable, Equatable {
    /// Join a room (created on first join). With `since` (the last `seq` the client saw) the server replays
    /// what came after it; `epoch` is the room's epoch from the earlier `joined`, to tell a re-created room.
    case join(room: String, id: String?, since: Int? = nil, epoch: String? = nil)
    /// Leave a room.
    case leave(room: String, id: String?)
    /// Broadcast `content` to every member of `room`, the sender included.
    case say(room: String, content: String, id: String?)
    /// Send `content` to one user only; the sender gets an echo.
    case whisper(to: String, content: String, id: String?)
    /// Ask for the names of a room's members, sorted; with `after`, the names that sort after it (the next
    /// page, when the previous reply had `next`).
    case users(room: String, id: String?, after: String? = nil)

    /// The client's correlation id, echoed on everything the server sends about this request.
    public var id: String? {
        switch self {
        case .join(_, let id, _, _), .leave(_, let id), .say(_, _, let id), .whisper(_, _, let id), .users(_, let id, _):
            return id
        }
    }
}

/// Why a text frame is not a valid ``ClientFrame``: a stable `code` and a sentence for people.
public struct ClientFrameError: Error, Sendable, Equatable {
    /// The stable error code sent in the `error` frame (`bad_json`, `unknown_type`, `missing_field`, …).
    public var code: ChatErrorCode
    /// What was wrong, naming the field.
    public var message: String
    /// The request's `id`, when it could be read.
    public var id: String?
}

extension ClientFrame {
    /// Parses one text frame. Errors name the offending field and carry the request's `id` when readable.
    public static func decode(_ text: String) -> Result<ClientFrame, ClientFrameError> {
        var text = text
        if let frame = text.withUTF8({ ClientFrameScanner.decode(UnsafeRawBufferPointer($0)) }) {
            return .success(frame)
        }
        return Self.decodeWithFoundation(text)
    }

    /// Parses one text frame from its UTF-8 bytes (the readable bytes of `buffer`); the same answers as
    /// ``decode(_:)``, without making a `String` of the frame when it has the common shape.
    public static func decode(_ buffer: ByteBuffer) -> Result<ClientFrame, ClientFrameError> {
        if let frame = buffer.withUnsafeReadableBytes({ ClientFrameScanner.decode($0) }) {
            return .success(frame)
        }
        return Self.decodeWithFoundation(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// The reference parser, on Foundation's `JSONSerialization`: what ``ClientFrameScanner`` must agree with.
    package static func decodeWithFoundation(_ text: String) -> Result<ClientFrame, ClientFrameError> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        } catch {
            return .failure(ClientFrameError(code: .badJSON, message: "frame is not valid JSON", id: nil))
        }
        guard let fields = object as? [String: Any] else {
            return .failure(ClientFrameError(code: .badJSON, message: "frame must be a JSON object", id: nil))
        }
        var reader = FieldReader(fields: fields)
        do {
            reader.id = try reader.optionalString("id")
            guard let type = try reader.optionalString("type") else {
                throw reader.error(.missingField, "missing field \"type\"")
            }
            switch type {
            case "join":
                let room = try reader.string("room")
                let since = try reader.optionalSequence("since")
                return .success(.join(room: room, id: reader.id, since: since, epoch: try reader.optionalString("epoch")))
            case "leave": return .success(.leave(room: try reader.string("room"), id: reader.id))
            case "users":
                let room = try reader.string("room")
                return .success(.users(room: room, id: reader.id, after: try reader.optionalString("after")))
            case "say":
                let room = try reader.string("room")
                return .success(.say(room: room, content: try reader.string("content"), id: reader.id))
            case "whisper":
                let to = try reader.string("to")
                return .success(.whisper(to: to, content: try reader.string("content"), id: reader.id))
            default:
                throw reader.error(.unknownType, "unknown type \"\(type.prefix(40))\"")
            }
        } catch let error as ClientFrameError {
            return .failure(error)
        } catch {
            return .failure(ClientFrameError(code: .badJSON, message: "\(error)", id: reader.id))
        }
    }

    /// Encodes the request as the JSON text a client sends.
    public func encoded() -> String {
        var fields: [String: String] = [:]
        switch self {
        case .join(let room, _, let since, let epoch):
            fields = ["type": "join", "room": room]
            if let epoch { fields["epoch"] = epoch }
            if let since {  // a number among the strings
                return JSONText.encode(RecoveringJoin(epoch: epoch, id: self.id, room: room, since: since))
            }
        case .leave(let room, _): fields = ["type": "leave", "room": room]
        case .users(let room, _, let after):
            fields = ["type": "users", "room": room]
            if let after { fields["after"] = after }
        case .say(let room, let content, _): fields = ["type": "say", "room": room, "content": content]
        case .whisper(let to, let content, _): fields = ["type": "whisper", "to": to, "content": content]
        }
        if let id = self.id { fields["id"] = id }
        return JSONText.encode(fields)
    }
}

/// A `join` with `since`, as a client sends it.
private struct RecoveringJoin: Encodable {
    package var type = "join"
    package var epoch: String?
    package var id: String?
    package var room: String
    package var since: Int

    init(epoch: String?, id: String?, room: String, since: Int) {
        self.epoch = epoch
        self.id = id
        self.room = room
        self.since = since
    }
}

/// Reads typed fields out of a decoded JSON object, producing errors that name the field.
private struct FieldReader {
    package let fields: [String: Any]
    package var id: String?

    package func error(_ code: ChatErrorCode, _ message: String) -> ClientFrameError {
        ClientFrameError(code: code, message: message, id: self.id)
    }

    func optionalString(_ name: String) throws -> String? {
        guard let value = self.fields[name], !(value is NSNull) else { return nil }
        guard let string = value as? String else {
            throw self.error(.badField, "field \"\(name)\" must be a string")
        }
        return string
    }

    /// A whole number from 0 to `Int.max` (a `seq`), or `nil` when absent.
    func optionalSequence(_ name: String) throws -> Int? {
        guard let value = self.fields[name], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c",  // "c": true or false
            let double = Double(exactly: number.doubleValue), double >= 0, double <= 9_007_199_254_740_991,
            double.rounded() == double
        else {
            throw self.error(.badField, "field \"\(name)\" must be a whole number from 0 (a seq)")
        }
        return Int(double)
    }

    package func string(_ name: String) throws -> String {
        guard let value = try self.optionalString(name) else {
            throw self.error(.missingField, "missing field \"\(name)\"")
        }
        return value
    }
}
