extension String {
    /// The string percent-encoded for use as one URL path segment or query value: every byte outside
    /// RFC 3986's unreserved set (`A–Z a–z 0–9 - . _ ~`) becomes `%XX`, so `/`, `?`, `+` and spaces in a
    /// room or user name cannot change the request's meaning. A segment of only dots (`.`, `..`, both
    /// valid room names) is encoded whole, so it cannot be read as "this" or "parent" directory.
    public var percentEncodedComponent: String {
        let onlyDots = !self.isEmpty && self.utf8.allSatisfy { $0 == UInt8(ascii: ".") }
        var encoded = ""
        for byte in self.utf8 {
            if Self.isUnreserved(byte) && !onlyDots {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(Self.hexDigits[Int(byte >> 4)])
                encoded.unicodeScalars.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    private static let hexDigits = Array("0123456789ABCDEF".unicodeScalars)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
