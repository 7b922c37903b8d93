import NIOCore

/// Validates UTF-8 that arrives in pieces (the fragments of a text message), so that an invalid message is
/// refused at the first fragment that makes it invalid rather than when it is complete ("fail fast",
/// RFC 6455 section 8.1). Rejects what `String(validating:)` rejects: overlong forms, surrogates, code
/// points above U+10FFFF, stray continuation bytes. Follows the WHATWG decoder's byte ranges.
struct UTF8StreamValidator {
    /// Continuation bytes still expected for the current code point.
    private var bytesNeeded = 0
    /// The range the next continuation byte must fall in (narrower than 0x80...0xBF right after some leads).
    private var lowerBoundary: UInt8 = 0x80
    private var upperBoundary: UInt8 = 0xBF
    /// Set once an invalid byte was seen; stays set.
    private(set) var isInvalid = false

    /// Whether everything fed so far is valid and ends on a code point boundary: a complete valid message.
    var isCompleteAndValid: Bool { !self.isInvalid && self.bytesNeeded == 0 }

    /// Feeds the readable bytes of `buffer`; returns `false` when the bytes so far can no longer be a prefix of
    /// valid UTF-8.
    @discardableResult
    mutating func feed(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { self.feed($0) }
    }

    /// Feeds `bytes`; returns `false` when the bytes so far can no longer be a prefix of valid UTF-8.
    @discardableResult
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !self.isInvalid else { return false }
        var index = 0
        let count = bytes.count
        while index < count {
            // ASCII fast path: eight bytes at a time while between code points.
            if self.bytesNeeded == 0 && index + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            index += 1
            if self.bytesNeeded == 0 {
                switch byte {
                case 0x00...0x7F:
                    continue
                case 0xC2...0xDF:
                    self.bytesNeeded = 1
                case 0xE0...0xEF:
                    if byte == 0xE0 { self.lowerBoundary = 0xA0 }  // no overlong 3-byte forms
                    if byte == 0xED { self.upperBoundary = 0x9F }  // no surrogates
                    self.bytesNeeded = 2
                case 0xF0...0xF4:
                    if byte == 0xF0 { self.lowerBoundary = 0x90 }  // no overlong 4-byte forms
                    if byte == 0xF4 { self.upperBoundary = 0x8F }  // nothing above U+10FFFF
                    self.bytesNeeded = 3
                default:
                    self.isInvalid = true
                    return false
                }
            } else {
                guard (self.lowerBoundary...self.upperBoundary).contains(byte) else {
                    self.isInvalid = true
                    return false
                }
                self.lowerBoundary = 0x80
                self.upperBoundary = 0xBF
                self.bytesNeeded -= 1
            }
        }
        return true
    }
}
