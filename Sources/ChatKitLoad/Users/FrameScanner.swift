import ChatKit
import NIOCore

/// What the load generator needs from a `message`, `whisper` or `presence` frame, read straight from its
/// JSON bytes without building a `ServerFrame`, copying the content or making a `String`: the hot path of a
/// receiving user. String fields are byte ranges within the frame (never escaped: a frame whose needed string
/// holds an escape is not scanned); ``FrameScanner/text(_:in:)`` makes a `String` of one when one is needed.
/// (Presence is there because a room of N users filling up sends N²/2 of them: through `JSONDecoder` they
/// cost a 1000-user ramp-up seconds of generator CPU, which spilled into the load phase as latency.)
struct ScannedFrame {
    enum Kind { case message, whisper, presence }
    var kind: Kind
    var room: Range<Int>?
    var from: Range<Int>?
    var to: Range<Int>?
    /// The user a `presence` frame is about.
    var name: Range<Int>?
    var seq: Int?
    /// Sender index and planned send time, when the `id` is one this generator wrote (`S.N.T.L` or `wS.N.T.L`;
    /// `S.N.T` from older generators).
    var sender: Int?
    var sentAt: Int64?
    /// How long after `sentAt` the send actually went out (`L`; 0 when the id has no lag).
    var sendLag: Int64 = 0
}

/// A small JSON object scanner for the server's frames. It handles any valid JSON (nested values and
/// escapes are skipped correctly) but only extracts the few top-level fields above; a frame of another
/// type, or a needed string that contains an escape, returns `nil` so the caller falls back to the full
/// decoder.
enum FrameScanner {
    /// Scans a frame's bytes; the ranges of the result index into `bytes`.
    static func scan(_ bytes: UnsafeRawBufferPointer) -> ScannedFrame? {
        var scanner = Cursor(bytes: bytes)
        return scanner.frame()
    }

    /// Scans a frame's readable bytes; the ranges of the result count from its first readable byte.
    static func scan(_ buffer: ByteBuffer) -> ScannedFrame? {
        buffer.withUnsafeReadableBytes { Self.scan($0) }
    }

    /// The string at `range` of `bytes` (a range of a ``ScannedFrame``).
    static func text(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The string at `range` of `buffer`'s readable bytes, if there is a range.
    static func text(_ range: Range<Int>?, in buffer: ByteBuffer) -> String? {
        guard let range else { return nil }
        return buffer.withUnsafeReadableBytes { Self.text(range, in: $0) }
    }

    /// Whether the bytes at `range` are `utf8`.
    static func bytes(_ bytes: UnsafeRawBufferPointer, at range: Range<Int>, equal utf8: [UInt8]) -> Bool {
        guard range.count == utf8.count else { return false }
        return utf8.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: bytes[range]).elementsEqual($0) }
    }

    private struct Cursor: JSONByteCursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// A string starting at the cursor: its raw byte range and whether it holds escapes.
        mutating func string() -> (Range<Int>, Bool)? {
            guard self.expect(0x22) else { return nil }
            let start = self.index
            var escaped = false
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                if byte == 0x5C {  // backslash: skip the escaped byte
                    escaped = true
                    self.index += 2
                    continue
                }
                if byte == 0x22 {
                    let range = start..<self.index
                    self.index += 1
                    return (range, escaped)
                }
                self.index += 1
            }
            return nil
        }

        mutating func integer() -> Int? {
            self.skipSpace()
            var negative = false
            if self.index < self.bytes.count, self.bytes[self.index] == 0x2D {
                negative = true
                self.index += 1
            }
            var value = 0
            var digits = 0
            while self.index < self.bytes.count, (0x30...0x39).contains(self.bytes[self.index]) {
                let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (added, overflow2) = multiplied.addingReportingOverflow(Int(self.bytes[self.index] - 0x30))
                if overflow1 || overflow2 { return nil }
                value = added
                digits += 1
                self.index += 1
            }
            guard digits > 0 else { return nil }
            // A fraction or exponent means this is not an integer field we understand.
            if self.index < self.bytes.count {
                let next = self.bytes[self.index]
                if next == 0x2E || next == 0x65 || next == 0x45 { return nil }
            }
            return negative ? -value : value
        }

        /// Skips any JSON value.
        mutating func skipValue() -> Bool {
            self.skipSpace()
            guard self.index < self.bytes.count else { return false }
            switch self.bytes[self.index] {
            case 0x22:
                return self.string() != nil
            case 0x7B, 0x5B:
                var depth = 0
                while self.index < self.bytes.count {
                    switch self.bytes[self.index] {
                    case 0x22:
                        guard self.string() != nil else { return false }
                        continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 {
                            self.index += 1
                            return true
                        }
                    default: break
                    }
                    self.index += 1
                }
                return false
            default:
                // number, true, false, null: up to the next delimiter
                while self.index < self.bytes.count {
                    switch self.bytes[self.index] {
                    case 0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D: return true
                    default: self.index += 1
                    }
                }
                return true
            }
        }

        /// The top-level keys this scanner reads, told apart by length and first byte before one full comparison.
        private enum Key { case type, room, from, to, id, name, seq }

        private func key(_ range: Range<Int>) -> Key? {
            guard range.count >= 2 && range.count <= 4 else { return nil }
            switch (range.count, self.bytes[range.lowerBound]) {
            case (2, 0x74): return self.equals(range, "to") ? .to : nil
            case (2, 0x69): return self.equals(range, "id") ? .id : nil
            case (3, 0x73): return self.equals(range, "seq") ? .seq : nil
            case (4, 0x74): return self.equals(range, "type") ? .type : nil
            case (4, 0x72): return self.equals(range, "room") ? .room : nil
            case (4, 0x66): return self.equals(range, "from") ? .from : nil
            case (4, 0x6E): return self.equals(range, "name") ? .name : nil
            default: return nil
            }
        }

        func kind(_ range: Range<Int>) -> ScannedFrame.Kind? {
            guard range.count >= 7 else { return nil }
            switch self.bytes[range.lowerBound] {
            case 0x6D: return self.equals(range, "message") ? .message : nil
            case 0x77: return self.equals(range, "whisper") ? .whisper : nil
            case 0x70: return self.equals(range, "presence") ? .presence : nil
            default: return nil
            }
        }

        /// `S.N.T.L` or `wS.N.T.L` → (S, T, L), read from the bytes; `S.N.T` gives L = 0.
        func generatorID(_ range: Range<Int>) -> (sender: Int, sentAt: Int64, lag: Int64)? {
            var index = range.lowerBound
            if index < range.upperBound, self.bytes[index] == 0x77 { index += 1 }  // "w"
            var field = 0
            var fields: (sender: Int64, sentAt: Int64, lag: Int64) = (0, 0, 0)
            var value: Int64 = 0
            var digits = 0
            while index <= range.upperBound {
                let byte: UInt8 = index < range.upperBound ? self.bytes[index] : 0x2E
                if byte == 0x2E {
                    guard digits > 0, field < 4 else { return nil }
                    switch field {
                    case 0: fields.sender = value
                    case 2: fields.sentAt = value
                    case 3: fields.lag = value
                    default: break
                    }
                    field += 1
                    value = 0
                    digits = 0
                } else if (0x30...0x39).contains(byte), digits < 18 {
                    value = value * 10 + Int64(byte - 0x30)
                    digits += 1
                } else {
                    return nil
                }
                index += 1
            }
            guard field == 3 || field == 4 else { return nil }
            return (Int(fields.sender), fields.sentAt, fields.lag)
        }

        mutating func frame() -> ScannedFrame? {
            guard self.expect(0x7B) else { return nil }
            var kind: ScannedFrame.Kind?
            var frame = ScannedFrame(kind: .message)
            var first = true
            while true {
                self.skipSpace()
                if self.expect(0x7D) { break }
                if !first { guard self.expect(0x2C) else { return nil } }
                first = false
                guard let (keyRange, keyEscaped) = self.string(), !keyEscaped, self.expect(0x3A) else { return nil }
                self.skipSpace()
                guard let key = self.key(keyRange) else {
                    guard self.skipValue() else { return nil }
                    continue
                }
                if key == .seq {
                    guard let seq = self.integer() else { return nil }
                    frame.seq = seq
                    continue
                }
                guard let (value, escaped) = self.string() else { return nil }
                switch key {
                case .type:
                    // Another type (or an escaped one): the full decoder handles it.
                    guard !escaped, let type = self.kind(value) else { return nil }
                    kind = type
                case .id:
                    if !escaped, let id = self.generatorID(value) {
                        frame.sender = id.sender
                        frame.sentAt = id.sentAt
                        frame.sendLag = id.lag
                    }
                case .room, .from, .to, .name:
                    if escaped { return nil }
                    switch key {
                    case .room: frame.room = value
                    case .from: frame.from = value
                    case .name: frame.name = value
                    default: frame.to = value
                    }
                case .seq:
                    break
                }
            }
            guard let kind else { return nil }
            if kind == .presence { guard frame.room != nil, frame.name != nil else { return nil } }
            frame.kind = kind
            return frame
        }
    }
}
