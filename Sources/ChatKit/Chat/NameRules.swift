/// What a user or room name may be: 1 to 32 characters (room: 64), letters, digits, `-`, `_` and `.`.
/// Names starting with `@` are reserved for the server (`@system`).
public enum NameRules {
    /// Longest user name, in characters.
    public static let maxUserNameLength = 32
    /// Longest room name, in characters.
    public static let maxRoomNameLength = 64
    /// The sender name of operator announcements; no user can take it.
    public static let systemSender = "@system"

    /// Why `name` cannot be a user name, or `nil` when it can.
    public static func userNameProblem(_ name: String) -> String? {
        Self.problem(name, what: "name", maxLength: Self.maxUserNameLength)
    }

    /// Why `room` cannot be a room name, or `nil` when it can.
    public static func roomNameProblem(_ room: String) -> String? {
        Self.problem(room, what: "room name", maxLength: Self.maxRoomNameLength)
    }

    private static func problem(_ value: String, what: String, maxLength: Int) -> String? {
        if value.isEmpty { return "\(what) is empty" }
        if value.count > maxLength { return "\(what) is longer than \(maxLength) characters" }
        for scalar in value.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                return "\(what) contains a control character"
            }
            let allowed = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar == "-" || scalar == "_" || scalar == "."
            if !allowed {
                return "\(what) may only contain letters, digits, '-', '_' and '.'"
            }
        }
        return nil
    }
}
