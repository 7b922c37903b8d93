/// Escaping for text that goes into HTML or XML, as element content or as a quoted attribute value.
///
/// Every string a report carries (scenario names, targets, error codes, threshold expressions) came from a
/// file someone else wrote, so none of it may reach the page or the JUnit file unescaped.
public enum MarkupEscaping {
    /// Replaces `&`, `<`, `>`, `"` and `'` with character references, and every character XML 1.0 cannot
    /// carry at all (C0 controls other than tab, newline and return; U+FFFE, U+FFFF) with U+FFFD.
    /// The result is safe in element content and in single- or double-quoted attributes of both languages.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    escaped += "\u{FFFD}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}
