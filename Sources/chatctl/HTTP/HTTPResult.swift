import Foundation

/// A complete HTTP response as ``CurlHTTPClient`` returns it: any status, including 4xx and 5xx, is a
/// result, not an error; only failing to get a response at all throws.
public struct HTTPResult: Sendable, Equatable {
    /// The status code of the final response, e.g. 200 or 404.
    public var status: Int
    /// Header fields of the final response, keyed by lowercased name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The response body, as received (no decoding of content encodings).
    public var body: Data

    /// Creates a result.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(self.status) }

    /// The body as UTF-8 text (invalid bytes replaced), for printing.
    public var bodyText: String { String(decoding: self.body, as: UTF8.self) }
}
