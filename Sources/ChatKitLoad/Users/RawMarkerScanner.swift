#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Finds the raw-mode markers in a received text frame, in place, without making strings.
///
/// Real broadcast servers do not hand a payload back as one frame of its own: gorilla/websocket's chat example
/// joins the messages queued for a client into one frame separated by newlines, and chat servers wrap each text in
/// a JSON envelope (`{"type":"broadcast",…,"content":"chatctl|…"}`). So a frame is split into lines (`\n`, and a
/// `\r` before it is ignored), each non-empty line is one message, and a line's marker is the first complete
/// `chatctl|…|` found anywhere in it. Later markers in the same line are ignored: one line, one message. The
/// marker's alphabet (lowercase letters, digits and `|`) is one JSON never escapes, so inside a JSON string it
/// appears verbatim. A marker never spans lines, so a truncated one at the end of a line is not completed by
/// the next.
enum RawMarkerScanner {
    private static let prefix: [UInt8] = Array("chatctl|".utf8)
    private static let newline = UInt8(ascii: "\n")

    /// What one frame held.
    struct FrameCounts: Equatable {
        /// Non-empty lines (a line holding only `\r` counts as empty).
        var lines = 0
        /// Lines in which a marker was found.
        var markers = 0
    }

    /// Calls `body` with the first complete marker of each line of `frame`, in order, and says what it found.
    @discardableResult
    static func forEachMarker(in frame: ByteBuffer, _ body: (RawMarker) throws -> Void) rethrows -> FrameCounts {
        var counts = FrameCounts()
        let readerIndex = frame.readerIndex
        try frame.withUnsafeReadableBytes { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                let lineEnd = Self.index(of: Self.newline, in: bytes, from: lineStart) ?? bytes.count
                var contentEnd = lineEnd
                if contentEnd > lineStart, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                if contentEnd > lineStart {
                    counts.lines += 1
                    if let marker = Self.firstMarker(in: frame, bytes, from: lineStart, to: contentEnd, readerIndex) {
                        counts.markers += 1
                        try body(marker)
                    }
                }
                lineStart = lineEnd + 1
            }
        }
        return counts
    }

    /// The first complete marker in `bytes[start..<end]` (one line of `frame`, whose readable bytes `bytes` are).
    private static func firstMarker(
        in frame: ByteBuffer, _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, _ readerIndex: Int
    ) -> RawMarker? {
        let prefix = Self.prefix
        var candidate = start
        while end - candidate > prefix.count,
            let found = Self.index(of: prefix[0], in: bytes, from: candidate, to: end)
        {
            guard end - found > prefix.count else { return nil }
            if Self.matchesPrefix(bytes, at: found),
                let slice = frame.getSlice(at: readerIndex + found, length: end - found),
                let marker = RawMarker(parsing: slice)
            {
                return marker
            }
            candidate = found + 1
        }
        return nil
    }

    private static func matchesPrefix(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Bool {
        for offset in 1..<Self.prefix.count where bytes[index + offset] != Self.prefix[offset] { return false }
        return true
    }

    /// The index of the first `byte` in `bytes[start..<end]` (`end` defaults to the end), with `memchr`.
    private static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int? = nil)
        -> Int?
    {
        let end = end ?? bytes.count
        guard start < end, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), end - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }
}
