import Foundation

/// The confusable-safe key of a user name: two names with the same key look alike, so only one of them may be
/// connected at a time (`name_taken`), on one node or across a cluster.
///
/// The key is a small version of Unicode TS #39's skeleton: NFKC (fullwidth `ａ` and mathematical `𝐚` become
/// `a`), then the Cyrillic and Greek letters that look like Latin ones become those Latin letters
/// (``confusables``), then lower case, then NFKC again. So `alice`, `ALICE`, `аlice` (Cyrillic `а`), `ａｌｉｃｅ`
/// and `𝐚𝐥𝐢𝐜𝐞` all have the key `alice`.
public enum NameKey {
    /// The key of `name`.
    public static func of(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return name.lowercased() }
        var mapped = String.UnicodeScalarView()
        for scalar in name.precomposedStringWithCompatibilityMapping.unicodeScalars {
            mapped.append(Self.confusables[scalar] ?? scalar)
        }
        return String(mapped).lowercased().precomposedStringWithCompatibilityMapping
    }

    /// Cyrillic and Greek letters that look like a Latin letter, each to that letter (capitals to capitals, so
    /// that case folding afterwards keeps `ALICE` and `alice` together). A subset of TS #39's confusables.txt
    /// for Latin, Cyrillic and Greek; NFKC already covers fullwidth, mathematical and other compatibility forms.
    static let confusables: [Unicode.Scalar: Unicode.Scalar] = [
        // Cyrillic small letters
        "а": "a", "в": "b", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h",
        "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "с": "c", "у": "y", "ԝ": "w", "х": "x", "ԁ": "d",
        "ь": "b", "ѵ": "v", "ү": "y", "ҽ": "e",
        // Cyrillic capital letters
        "А": "A", "В": "B", "Е": "E", "Һ": "H", "І": "I", "Ј": "J", "К": "K", "Ӏ": "I", "М": "M", "Н": "H",
        "О": "O", "Р": "P", "Ԛ": "Q", "Ѕ": "S", "Т": "T", "С": "C", "У": "Y", "Ԝ": "W", "Х": "X", "Ү": "Y",
        "Ѵ": "V",
        // Greek small letters
        "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j",
        // Greek capital letters
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
        "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
        // Latin look-alikes of other Latin letters
        "ı": "i", "ȷ": "j", "ɡ": "g",
    ]
}
