/// The few steps both byte scanners of JSON frames take (``ClientFrameScanner`` on the server, `FrameScanner` in
/// the load generator): skip JSON whitespace, expect one byte, compare a range with a literal.
public protocol JSONByteCursor {
    /// The frame being read.
    var bytes: UnsafeRawBufferPointer { get }
    /// The offset of the next byte to read.
    var index: Int { get set }
}

extension JSONByteCursor {
    /// Skips JSON whitespace.
    @inlinable
    public mutating func skipSpace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
            default: return
            }
        }
    }

    /// Skips whitespace, then consumes `byte` if it is next.
    @inlinable
    public mutating func expect(_ byte: UInt8) -> Bool {
        self.skipSpace()
        guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
        self.index += 1
        return true
    }

    /// Whether the bytes at `range` are `literal`.
    @inlinable
    public func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { literalBytes in
            UnsafeRawBufferPointer(rebasing: self.bytes[range]).elementsEqual(literalBytes)
        }
    }
}
