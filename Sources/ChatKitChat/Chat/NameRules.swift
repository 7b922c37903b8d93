import Foundation

/// What a user or room name may be (docs/protocol.md, "Names"). Names are compared and shown in Unicode NFC.
///
/// - 1 to 32 characters and at most 64 UTF-8 bytes (rooms: 64 characters, 128 bytes);
/// - letters, digits, `-`, `_` and `.`, each letter or digit followed by at most two combining marks;
/// - no control or format characters (Cc, Cf), line or paragraph separators, or default-ignorable code points
///   (zero-width space, Hangul fillers, variation selectors…), so a name cannot hide characters or be invisible;
/// - it cannot start with a combining mark.
///
/// Names starting with `@` are reserved for the server (`@system`). Two user names that look alike (same
/// ``NameKey``) cannot be connected at once.
public enum NameRules {
    /// Longest user name, in characters.
    public static let maxUserNameLength = 32
    /// Longest user name, in UTF-8 bytes (of its NFC form).
    public static let maxUserNameBytes = 64
    /// Longest room name, in characters.
    public static let maxRoomNameLength = 64
    /// Longest room name, in UTF-8 bytes (of its NFC form).
    public static let maxRoomNameBytes = 128
    /// Most combining marks after one letter or digit (`é` written as `e` + U+0301 has one).
    public static let maxMarksPerCharacter = 2
    /// The sender name of operator announcements; no user can take it.
    public static let systemSender = "@system"

    /// `name` in Unicode NFC: the form the server keeps, compares and shows.
    public static func normalized(_ name: String) -> String {
        // ASCII is already NFC: skip Foundation on the common case.
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return name }
        return name.precomposedStringWithCanonicalMapping
    }

    /// Why `name` cannot be a user name, or `nil` when it can. Checks the NFC form.
    public static func userNameProblem(_ name: String) -> String? {
        Self.problem(
            Self.normalized(name), what: "name", maxLength: Self.maxUserNameLength, maxBytes: Self.maxUserNameBytes)
    }

    /// Why `room` cannot be a room name, or `nil` when it can. Checks the NFC form.
    public static func roomNameProblem(_ room: String) -> String? {
        Self.problem(
            Self.normalized(room), what: "room name", maxLength: Self.maxRoomNameLength,
            maxBytes: Self.maxRoomNameBytes)
    }

    private static func problem(_ value: String, what: String, maxLength: Int, maxBytes: Int) -> String? {
        if value.isEmpty { return "\(what) is empty" }
        // Bytes first: a long string of marks is refused before anything walks its characters.
        if value.utf8.count > maxBytes { return "\(what) is longer than \(maxBytes) bytes (UTF-8)" }
        if value.count > maxLength { return "\(what) is longer than \(maxLength) characters" }
        var marksInARow = 0
        var isFirst = true
        for scalar in value.unicodeScalars {
            defer { isFirst = false }
            let properties = scalar.properties
            switch properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                return "\(what) contains an invisible or control character (\(Self.codePoint(scalar)))"
            case .nonspacingMark, .spacingMark, .enclosingMark:
                if isFirst { return "\(what) starts with a combining mark (\(Self.codePoint(scalar)))" }
                marksInARow += 1
                if marksInARow > Self.maxMarksPerCharacter {
                    return "\(what) has more than \(Self.maxMarksPerCharacter) combining marks on one character"
                }
                if properties.isDefaultIgnorableCodePoint {
                    return "\(what) contains an invisible character (\(Self.codePoint(scalar)))"
                }
                continue
            default:
                marksInARow = 0
            }
            if properties.isDefaultIgnorableCodePoint {
                return "\(what) contains an invisible character (\(Self.codePoint(scalar)))"
            }
            let allowed = properties.isAlphabetic || properties.numericType != nil
                || scalar == "-" || scalar == "_" || scalar == "."
            if !allowed {
                return "\(what) may only contain letters, digits, '-', '_' and '.'"
            }
        }
        return nil
    }

    /// `U+3164`-style name of a code point, for error messages (the character itself may be invisible).
    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
