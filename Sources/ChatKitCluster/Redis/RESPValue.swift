import NIOCore

/// One value of the Redis serialization protocol, RESP2 or RESP3 (https://redis.io/docs/reference/protocol-spec/).
///
/// RESP2 has simple strings, errors, integers, bulk strings and arrays (with null forms of the last two, both
/// decoded as ``null``). RESP3 adds the other cases; ChatKit speaks RESP2 to Redis but decodes RESP3 too, so a
/// server that answers in RESP3 (or sends push messages) is understood. RESP3 attributes (`|`) are metadata for
/// the value that follows them: the decoder skips them and returns that value.
public enum RESPValue: Sendable, Equatable {
    /// `+OK`
    case simpleString(String)
    /// `-ERR …` (and RESP3 blob errors, `!`)
    case error(String)
    /// `:42`
    case integer(Int64)
    /// `$5 hello`: bytes, not necessarily UTF-8.
    case bulkString(ByteBuffer)
    /// RESP2 null bulk string (`$-1`) or null array (`*-1`), RESP3 null (`_`).
    case null
    /// `*N …`
    case array([RESPValue])
    /// RESP3 `,3.14` (also `inf`, `-inf`, `nan`).
    case double(Double)
    /// RESP3 `#t` / `#f`.
    case boolean(Bool)
    /// RESP3 `(12345678901234567890`, kept as its decimal text.
    case bigNumber(String)
    /// RESP3 `=15 txt:Some string`: a three-letter format and the text.
    case verbatimString(format: String, text: String)
    /// RESP3 `%N` key-value pairs, in the order received.
    case map([RESPPair])
    /// RESP3 `~N`.
    case set([RESPValue])
    /// RESP3 `>N`: out-of-band data such as pub/sub messages.
    case push([RESPValue])

    /// Creates a bulk string from UTF-8 text.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    /// The value as text: simple, bulk and verbatim strings, and the decimal form of integers.
    public var string: String? {
        switch self {
        case .simpleString(let text), .bigNumber(let text): return text
        case .bulkString(let buffer): return String(buffer: buffer)
        case .verbatimString(_, let text): return text
        case .integer(let value): return String(value)
        default: return nil
        }
    }

    /// The value as an integer: integers, and strings holding one (Redis returns counters as bulk strings).
    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .simpleString, .bulkString: return self.string.flatMap { Int64($0) }
        default: return nil
        }
    }

    /// The elements of an array, set or push.
    public var array: [RESPValue]? {
        switch self {
        case .array(let values), .set(let values), .push(let values): return values
        default: return nil
        }
    }

    /// Whether this is a null.
    public var isNull: Bool { self == .null }
}

/// One key-value pair of a RESP3 map.
public struct RESPPair: Sendable, Equatable {
    public var key: RESPValue
    public var value: RESPValue

    /// Creates a pair.
    public init(key: RESPValue, value: RESPValue) {
        self.key = key
        self.value = value
    }
}
