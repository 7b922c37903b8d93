/// Expands name patterns of scenario files: `user-{i}`, `room-{i%10}`, `peer-{i+1%100}`, `group-{i/50}`.
///
/// Inside braces: `i` (the user's index in its group, from 0), then optionally `+K` or `-K`, then optionally
/// `%N` (applied after the addition) or `/N` (integer division). Everything else is literal text.
public enum NamePattern {
    /// Why `pattern` is malformed, or `nil`. Numbers in a pattern are at most 10⁹.
    public static func problem(_ pattern: String) -> String? {
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            if rest[..<open].contains("}") { return "unmatched } in \"\(pattern)\"" }
            guard let close = rest[open...].firstIndex(of: "}") else { return "unclosed { in \"\(pattern)\"" }
            if Self.evaluate(rest[rest.index(after: open)..<close], index: 0) == nil {
                return "cannot read {\(rest[rest.index(after: open)..<close])} in \"\(pattern)\": use {i}, {i%N}, {i+K%N} or {i/N}"
            }
            rest = rest[rest.index(after: close)...]
        }
        if rest.contains("}") { return "unmatched } in \"\(pattern)\"" }
        return nil
    }

    /// The pattern with every `{…}` replaced for user `index`. Malformed parts are kept as written.
    public static func expand(_ pattern: String, index: Int) -> String {
        guard pattern.contains("{") else { return pattern }
        var result = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            if let value = Self.evaluate(rest[rest.index(after: open)..<close], index: index) {
                result += String(value)
            } else {
                result += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static func evaluate(_ expression: Substring, index: Int) -> Int? {
        var text = expression.replacingOccurrences(of: " ", with: "")[...]
        guard text.first == "i" else { return nil }
        text = text.dropFirst()
        var value = index
        if let sign = text.first, sign == "+" || sign == "-" {
            text = text.dropFirst()
            let digits = text.prefix(while: \.isNumber)
            guard let amount = Int(digits), amount <= 1_000_000_000 else { return nil }
            value = sign == "+" ? value + amount : value - amount
            text = text.dropFirst(digits.count)
        }
        if let operation = text.first, operation == "%" || operation == "/" {
            guard let divisor = Int(text.dropFirst()), divisor > 0, divisor <= 1_000_000_000 else { return nil }
            text = ""
            value = operation == "%" ? ((value % divisor) + divisor) % divisor : value / divisor
        }
        return text.isEmpty ? value : nil
    }

    /// Whether `name` matches a glob where `*` stands for any run of characters.
    public static func glob(_ glob: String, matches name: String) -> Bool {
        let parts = glob.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return glob == name }
        var rest = Substring(name)
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for (offset, part) in parts.enumerated().dropFirst() {
            if offset == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}
