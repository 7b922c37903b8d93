import Foundation

/// A frame to send, written in a scenario as a JSON value whose strings may hold placeholders (`{room}`, `{text}`,
/// `{to}`, `{name}`, `{i}`, `{token}`): `{"op":"publish","channel":"{room}","data":{"text":"{text}"}}`.
///
/// The value is serialised once (keys sorted) and split at its placeholders; filling one in writes the value
/// JSON-escaped, so any text makes a valid frame. A placeholder stands inside a JSON string, never for a whole value.
public struct JSONFrameTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    /// The placeholders a template may use.
    public static let placeholderNames: Set<String> = ["room", "text", "to", "name", "i", "token"]

    let parts: [Part]

    /// The placeholders this template uses.
    public var placeholders: Set<String> {
        Set(self.parts.compactMap { if case .placeholder(let name) = $0 { return name } else { return nil } })
    }

    /// Reads a decoded JSON value; the error says what is wrong with it.
    public init(_ value: Any) throws(TemplateError) {
        guard value is [String: Any] || value is [Any] else {
            throw TemplateError(message: "expected a JSON object or array (the frame to send)")
        }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]),
            let text = String(data: data, encoding: .utf8)
        else { throw TemplateError(message: "not serialisable as JSON") }
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"),
                Self.placeholderNames.contains(String(rest[afterOpen..<close]))
            {
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.placeholder(String(rest[afterOpen..<close])))
                rest = rest[rest.index(after: close)...]
            } else {
                literal.append("{")
                rest = rest[afterOpen...]
            }
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// The frame with each placeholder replaced by its value (JSON-escaped); a placeholder without one stays empty.
    public func render(_ values: [String: String]) -> String {
        var frame = ""
        for part in self.parts {
            switch part {
            case .literal(let text): frame += text
            case .placeholder(let name): Self.appendEscaped(values[name] ?? "", to: &frame)
            }
        }
        return frame
    }

    /// Appends `text` as the inside of a JSON string.
    static func appendEscaped(_ text: String, to frame: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": frame += "\\\""
            case "\\": frame += "\\\\"
            case "\n": frame += "\\n"
            case "\r": frame += "\\r"
            case "\t": frame += "\\t"
            case _ where scalar.value < 0x20: frame += String(format: "\\u%04x", scalar.value)
            default: frame.unicodeScalars.append(scalar)
            }
        }
    }

    /// Why a template cannot be used.
    public struct TemplateError: Error, Sendable, Equatable {
        public var message: String
    }
}
