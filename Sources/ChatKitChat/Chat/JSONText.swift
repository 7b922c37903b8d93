import Foundation

/// Small JSON helpers shared by the protocol and HTTP code.
package enum JSONText {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Encodes a value as compact JSON text with sorted keys.
    package static func encode<T: Encodable>(_ value: T) -> String {
        String(decoding: Self.data(value), as: UTF8.self)
    }

    /// Encodes a value as compact JSON bytes with sorted keys.
    package static func data<T: Encodable>(_ value: T) -> Data {
        // Encoding plain Codable values with string keys cannot fail.
        (try? Self.encoder.encode(value)) ?? Data("null".utf8)
    }
}
