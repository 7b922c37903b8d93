import Foundation

/// An RFC 6901 JSON Pointer (`/data/text`, `/to/0`; `~1` is `/` and `~0` is `~` in a token), saying where a value
/// sits in a received frame.
public struct JSONPointer: Sendable, Equatable, CustomStringConvertible {
    let tokens: [String]
    public let description: String

    /// Reads a pointer; `nil` when it is not one (it must be empty or start with `/`, and `~` must be `~0` or `~1`).
    public init?(_ text: String) {
        guard text.isEmpty || text.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in text.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            var token = ""
            var index = raw.startIndex
            while index < raw.endIndex {
                let character = raw[index]
                if character == "~" {
                    let next = raw.index(after: index)
                    guard next < raw.endIndex else { return nil }
                    switch raw[next] {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: return nil
                    }
                    index = raw.index(after: next)
                } else {
                    token.append(character)
                    index = raw.index(after: index)
                }
            }
            tokens.append(token)
        }
        self.tokens = tokens
        self.description = text
    }

    /// The value at this pointer in a decoded JSON value, if there is one.
    public func value(in root: Any) -> Any? {
        var current = root
        for token in self.tokens {
            if let object = current as? [String: Any] {
                guard let next = object[token] else { return nil }
                current = next
            } else if let array = current as? [Any] {
                guard let index = Int(token), index >= 0, index < array.count, token == String(index) else { return nil }
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }

    /// The value at this pointer as text: a string as is, a number written out; `nil` for anything else.
    public func string(in root: Any) -> String? {
        switch self.value(in: root) {
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }
}
