import NIOCore

/// Writes a ``ServerFrame`` as JSON bytes by hand: the same bytes as ``JSONText`` (Foundation's
/// `JSONEncoder`, compact, sorted keys, slashes not escaped), several times faster. The server encodes
/// every frame it sends this way; a connection's join alone encodes five (welcome, joined, history, users,
/// and presence for the room). `ServerFrameJSONTests` and the `FuzzChatFrames` target hold it to
/// `JSONEncoder`'s output byte for byte.
package enum ServerFrameJSON {
    /// The frame's JSON in a new buffer.
    package static func encode(_ frame: ServerFrame, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 128)
        Self.write(frame, into: &buffer)
        return buffer
    }

    /// Appends the frame's JSON to `buffer`. Keys in sorted order, as `JSONEncoder` with `.sortedKeys`.
    package static func write(_ frame: ServerFrame, into buffer: inout ByteBuffer) {
        var object = ObjectWriter(into: &buffer)
        switch frame {
        case .welcome(let name):
            object.string("name", name, &buffer)
        case .joined(let room, let name, let seq, let id, let epoch, let recovered, let firstSeq):
            object.optionalString("epoch", epoch, &buffer)
            if let firstSeq { object.integer("firstSeq", Int64(firstSeq), &buffer) }
            object.optionalString("id", id, &buffer)
            object.string("name", name, &buffer)
            if let recovered {
                object.key("recovered", &buffer)
                buffer.writeStaticString(recovered ? "true" : "false")
            }
            object.string("room", room, &buffer)
            object.integer("seq", Int64(seq), &buffer)
        case .left(let room, let seq, let id):
            object.optionalString("id", id, &buffer)
            object.string("room", room, &buffer)
            object.integer("seq", Int64(seq), &buffer)
        case .history(let room, let messages, let id):
            object.optionalString("id", id, &buffer)
            object.key("messages", &buffer)
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, message) in messages.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                var inner = ObjectWriter(into: &buffer)
                Self.writeFields(of: message, into: &inner, &buffer)
                inner.finish(&buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
            object.string("room", room, &buffer)
        case .message(let message):
            Self.writeFields(of: message, into: &object, &buffer)
        case .whisper(let whisper):
            object.string("content", whisper.content, &buffer)
            object.string("from", whisper.from, &buffer)
            object.optionalString("id", whisper.id, &buffer)
            object.string("to", whisper.to, &buffer)
            object.integer("ts", whisper.ts, &buffer)
        case .presence(let room, let name, let event):
            object.string("event", event.rawValue, &buffer)
            object.string("name", name, &buffer)
            object.string("room", room, &buffer)
        case .users(let room, let names, let id, let next):
            object.optionalString("id", id, &buffer)
            object.key("names", &buffer)
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, name) in names.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                ObjectWriter.writeString(name, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
            object.optionalString("next", next, &buffer)
            object.string("room", room, &buffer)
        case .error(let code, let message, let id):
            object.string("code", code.rawValue, &buffer)
            object.optionalString("id", id, &buffer)
            object.string("message", message, &buffer)
        }
        // "type" sorts after every other key of every frame.
        object.string("type", frame.type, &buffer)
        object.finish(&buffer)
    }

    /// A chat message's own keys (sorted): content, from, id, room, seq, ts. A `message` frame adds `type`.
    private static func writeFields(of message: ChatMessage, into object: inout ObjectWriter, _ buffer: inout ByteBuffer) {
        object.string("content", message.content, &buffer)
        object.string("from", message.from, &buffer)
        object.optionalString("id", message.id, &buffer)
        object.string("room", message.room, &buffer)
        object.integer("seq", Int64(message.seq), &buffer)
        object.integer("ts", message.ts, &buffer)
    }

    /// One JSON object being written into a buffer: `{`, then `"key":value` pairs separated by commas, then
    /// `}`. It holds no buffer itself (writing into a copy would copy the bytes).
    private struct ObjectWriter {
        private var isEmpty = true

        init(into buffer: inout ByteBuffer) {
            buffer.writeInteger(UInt8(ascii: "{"))
        }

        package mutating func key(_ key: StaticString, _ buffer: inout ByteBuffer) {
            if !self.isEmpty { buffer.writeInteger(UInt8(ascii: ",")) }
            self.isEmpty = false
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeStaticString(key)
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeInteger(UInt8(ascii: ":"))
        }

        package mutating func string(_ key: StaticString, _ value: String, _ buffer: inout ByteBuffer) {
            self.key(key, &buffer)
            Self.writeString(value, into: &buffer)
        }

        mutating func optionalString(_ key: StaticString, _ value: String?, _ buffer: inout ByteBuffer) {
            guard let value else { return }
            self.string(key, value, &buffer)
        }

        package mutating func integer(_ key: StaticString, _ value: Int64, _ buffer: inout ByteBuffer) {
            self.key(key, &buffer)
            buffer.writeString(String(value))
        }

        func finish(_ buffer: inout ByteBuffer) {
            buffer.writeInteger(UInt8(ascii: "}"))
        }

        private static let hexDigits = Array("0123456789abcdef".utf8)

        /// A JSON string as `JSONEncoder` writes it: `"` and `\` escaped, \b \t \n \f \r by name, the other
        /// control characters as `\u00xx`, everything else (slashes, DEL, non-ASCII) as its UTF-8 bytes.
        package static func writeString(_ value: String, into buffer: inout ByteBuffer) {
            buffer.writeInteger(UInt8(ascii: "\""))
            var value = value
            value.withUTF8 { bytes in
                var start = 0
                for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                    if start < index { buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                    start = index + 1
                    switch byte {
                    case 0x22: buffer.writeStaticString("\\\"")
                    case 0x5C: buffer.writeStaticString("\\\\")
                    case 0x08: buffer.writeStaticString("\\b")
                    case 0x09: buffer.writeStaticString("\\t")
                    case 0x0A: buffer.writeStaticString("\\n")
                    case 0x0C: buffer.writeStaticString("\\f")
                    case 0x0D: buffer.writeStaticString("\\r")
                    default:
                        buffer.writeStaticString("\\u00")
                        buffer.writeInteger(Self.hexDigits[Int(byte >> 4)])
                        buffer.writeInteger(Self.hexDigits[Int(byte & 0x0F)])
                    }
                }
                if start < bytes.count { buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start...])) }
            }
            buffer.writeInteger(UInt8(ascii: "\""))
        }
    }
}
