/// Text from other people (chat messages, names, server close reasons, report fields read from a file) made
/// safe to print on one terminal line: characters a terminal acts on, or that could start a new line or
/// reorder what is shown, are written as visible escapes.
///
/// Escaped: C0 controls except tab (LF as `\n`, CR as `\r`, the rest as `\u001b` and so on), DEL, the C1
/// controls U+0080–U+009F, the line and paragraph separators U+2028 and U+2029, and the bidirectional
/// controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), all as `\uXXXX`. Everything else,
/// backslashes included, is kept as it is: the result is for reading, not for decoding back.
public enum TerminalText {
    /// `text` with every unsafe character written as a visible escape.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: Self.isUnsafe) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard Self.isUnsafe(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return result
    }

    /// Whether `scalar` is one that ``escape(_:)`` rewrites.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
