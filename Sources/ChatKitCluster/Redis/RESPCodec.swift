import NIOCore

/// Turns bytes from Redis into ``RESPValue``s, one per complete value.
public struct RESPDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    /// Creates a decoder.
    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try RESPParser.parse(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(value))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }
}

/// Writes ``RESPValue``s as RESP bytes. Commands are arrays of bulk strings (``RESPValue/command(_:)``).
public struct RESPEncoder: MessageToByteEncoder {
    public typealias OutboundIn = RESPValue

    /// Creates an encoder.
    public init() {}

    public func encode(data: RESPValue, out: inout ByteBuffer) throws {
        Self.write(data, to: &out)
    }

    /// Appends the RESP form of `value` to `out`.
    public static func write(_ value: RESPValue, to out: inout ByteBuffer) {
        switch value {
        case .simpleString(let text): Self.line("+", text, &out)
        case .error(let text): Self.line("-", text, &out)
        case .integer(let number): Self.line(":", String(number), &out)
        case .bulkString(let bytes):
            Self.line("$", String(bytes.readableBytes), &out)
            out.writeImmutableBuffer(bytes)
            out.writeStaticString("\r\n")
        case .null: out.writeStaticString("$-1\r\n")
        case .array(let elements): Self.aggregate("*", elements, &out)
        case .set(let elements): Self.aggregate("~", elements, &out)
        case .push(let elements): Self.aggregate(">", elements, &out)
        case .double(let number):
            let text = number.isNaN ? "nan" : number.isInfinite ? (number < 0 ? "-inf" : "inf") : "\(number)"
            Self.line(",", text, &out)
        case .boolean(let flag): Self.line("#", flag ? "t" : "f", &out)
        case .bigNumber(let digits): Self.line("(", digits, &out)
        case .verbatimString(let format, let text):
            let body = "\(format):\(text)"
            Self.line("=", String(body.utf8.count), &out)
            out.writeString(body)
            out.writeStaticString("\r\n")
        case .map(let pairs):
            Self.line("%", String(pairs.count), &out)
            for pair in pairs {
                Self.write(pair.key, to: &out)
                Self.write(pair.value, to: &out)
            }
        }
    }

    private static func line(_ marker: String, _ text: String, _ out: inout ByteBuffer) {
        out.writeString(marker)
        out.writeString(text)
        out.writeStaticString("\r\n")
    }

    private static func aggregate(_ marker: String, _ elements: [RESPValue], _ out: inout ByteBuffer) {
        Self.line(marker, String(elements.count), &out)
        for element in elements { Self.write(element, to: &out) }
    }
}

extension RESPValue {
    /// A command as Redis expects it: an array of bulk strings, e.g. `command(["SET", "k", "v"])`.
    public static func command(_ arguments: [String]) -> RESPValue {
        .array(arguments.map { .bulk($0) })
    }
}
