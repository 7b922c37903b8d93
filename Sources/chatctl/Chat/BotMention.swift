/// When a room message mentions a bot: `@NAME` as a whole word. `@helper hi`, `hi @helper`, `@helper, hi` and
/// `ask @helper.` mention `helper`; `x@helper.com` (a letter, digit, `_`, `-`, `.` or `@` before the `@`),
/// `@helpers` and `@helper.com` (a name character after the name, or a `.`/`-` followed by one) do not.
enum BotMention {
    /// Whether `content` mentions `name`.
    static func mentions(_ content: String, name: String) -> Bool {
        let text = Array(content.unicodeScalars)
        let needle = Array(("@" + name).unicodeScalars)
        guard needle.count > 1, text.count >= needle.count else { return false }
        var start = 0
        while start + needle.count <= text.count {
            defer { start += 1 }
            guard text[start] == needle[0], Array(text[start..<(start + needle.count)]) == needle else { continue }
            if start > 0, Self.isNameScalar(text[start - 1]) || text[start - 1] == "@" { continue }
            let after = start + needle.count
            if after < text.count {
                let next = text[after]
                if Self.isNameScalar(next) && next != "." && next != "-" { continue }
                if next == "." || next == "-", after + 1 < text.count, Self.isNameScalar(text[after + 1]) { continue }
            }
            return true
        }
        return false
    }

    /// Letters, digits, `-`, `_` and `.`: what a name may contain (NameRules).
    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            || scalar == "-" || scalar == "_" || scalar == "."
    }
}
