import NIOCore

/// Parses RESP2 and RESP3 values out of a byte buffer. Pure: the channel handler and the tests share it.
enum RESPParser {
    /// Deepest nesting of aggregates accepted; deeper input is treated as an attack, not data.
    static let maxDepth = 64
    /// Largest bulk string or aggregate length accepted (Redis's own proto-max-bulk-len is 512 MB).
    static let maxLength = 512 * 1024 * 1024

    /// Parses one value from the front of `buffer`. Returns `nil`, leaving `buffer` untouched, when the value is
    /// not complete yet; throws ``RedisError`` when the bytes are not RESP.
    static func parse(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        var copy = buffer
        guard let value = try Self.parseValue(&copy, depth: 0) else { return nil }
        buffer = copy
        return value
    }

    private static func parseValue(_ buffer: inout ByteBuffer, depth: Int) throws -> RESPValue? {
        guard depth < Self.maxDepth else {
            throw RedisError.protocolViolation("values nested more than \(Self.maxDepth) deep")
        }
        guard let marker = buffer.readInteger(as: UInt8.self) else { return nil }
        switch marker {
        case UInt8(ascii: "+"):
            return try Self.readLine(&buffer).map { .simpleString($0) }
        case UInt8(ascii: "-"):
            return try Self.readLine(&buffer).map { .error($0) }
        case UInt8(ascii: ":"):
            guard let line = try Self.readLine(&buffer) else { return nil }
            guard let value = Int64(line) else { throw RedisError.protocolViolation("bad integer \(line.prefix(40))") }
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let length = try Self.readLength(&buffer) else { return nil }
            guard length >= 0 else { return .null }
            return try Self.readBlob(&buffer, length: length).map { .bulkString($0) }
        case UInt8(ascii: "!"):
            guard let length = try Self.readLength(&buffer) else { return nil }
            return try Self.readBlob(&buffer, length: max(0, length)).map { .error(String(buffer: $0)) }
        case UInt8(ascii: "="):
            guard let length = try Self.readLength(&buffer) else { return nil }
            guard let blob = try Self.readBlob(&buffer, length: max(0, length)) else { return nil }
            let text = String(buffer: blob)
            guard text.utf8.count >= 4, text.utf8.dropFirst(3).first == UInt8(ascii: ":") else {
                throw RedisError.protocolViolation("verbatim string without a format")
            }
            return .verbatimString(format: String(text.prefix(3)), text: String(text.dropFirst(4)))
        case UInt8(ascii: "_"):
            guard let line = try Self.readLine(&buffer) else { return nil }
            guard line.isEmpty else { throw RedisError.protocolViolation("null with a payload") }
            return .null
        case UInt8(ascii: "#"):
            guard let line = try Self.readLine(&buffer) else { return nil }
            switch line {
            case "t": return .boolean(true)
            case "f": return .boolean(false)
            default: throw RedisError.protocolViolation("bad boolean \(line.prefix(40))")
            }
        case UInt8(ascii: ","):
            guard let line = try Self.readLine(&buffer) else { return nil }
            switch line.lowercased() {
            case "inf", "+inf": return .double(.infinity)
            case "-inf": return .double(-.infinity)
            case "nan": return .double(.nan)
            default:
                guard let value = Double(line) else {
                    throw RedisError.protocolViolation("bad double \(line.prefix(40))")
                }
                return .double(value)
            }
        case UInt8(ascii: "("):
            guard let line = try Self.readLine(&buffer) else { return nil }
            let digits = line.hasPrefix("-") || line.hasPrefix("+") ? line.dropFirst() : Substring(line)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw RedisError.protocolViolation("bad big number \(line.prefix(40))")
            }
            return .bigNumber(line)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            guard let count = try Self.readLength(&buffer) else { return nil }
            guard count >= 0 else { return .null }
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let element = try Self.parseValue(&buffer, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            switch marker {
            case UInt8(ascii: "~"): return .set(elements)
            case UInt8(ascii: ">"): return .push(elements)
            default: return .array(elements)
            }
        case UInt8(ascii: "%"), UInt8(ascii: "|"):
            guard let count = try Self.readLength(&buffer) else { return nil }
            var pairs: [RESPPair] = []
            pairs.reserveCapacity(min(max(0, count), 1024))
            for _ in 0..<max(0, count) {
                guard let key = try Self.parseValue(&buffer, depth: depth + 1),
                    let value = try Self.parseValue(&buffer, depth: depth + 1)
                else { return nil }
                pairs.append(RESPPair(key: key, value: value))
            }
            if marker == UInt8(ascii: "%") { return .map(pairs) }
            // An attribute describes the value after it: skip it and return that value.
            return try Self.parseValue(&buffer, depth: depth + 1)
        default:
            throw RedisError.protocolViolation("unknown RESP type byte \(marker)")
        }
    }

    /// The text up to the next CRLF (consumed), or `nil` when no complete line is buffered.
    private static func readLine(_ buffer: inout ByteBuffer) throws -> String? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: UInt8(ascii: "\r")) else {
            if view.count > 64 * 1024 { throw RedisError.protocolViolation("line longer than 64 KiB") }
            return nil
        }
        let next = view.index(after: cr)
        guard next < view.endIndex else { return nil }
        guard view[next] == UInt8(ascii: "\n") else { throw RedisError.protocolViolation("CR without LF") }
        let length = cr - view.startIndex
        let line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    private static func readLength(_ buffer: inout ByteBuffer) throws -> Int? {
        guard let line = try Self.readLine(&buffer) else { return nil }
        guard let length = Int(line), length >= -1 else {
            throw RedisError.protocolViolation("bad length \(line.prefix(40))")
        }
        guard length <= Self.maxLength else { throw RedisError.protocolViolation("length \(length) over the limit") }
        return length
    }

    private static func readBlob(_ buffer: inout ByteBuffer, length: Int) throws -> ByteBuffer? {
        guard buffer.readableBytes >= length + 2 else { return nil }
        let blob = buffer.readSlice(length: length) ?? ByteBuffer()
        guard buffer.readInteger(as: UInt8.self) == UInt8(ascii: "\r"),
            buffer.readInteger(as: UInt8.self) == UInt8(ascii: "\n")
        else { throw RedisError.protocolViolation("bulk string not followed by CRLF") }
        return blob
    }
}
