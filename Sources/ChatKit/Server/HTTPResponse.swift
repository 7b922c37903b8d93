import Foundation
import NIOHTTP1

/// A complete HTTP response, as the HTTP routes produce it: a JSON body, except for `/metrics`.
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var body: Data
    var headers: [(String, String)] = []
    var contentType = Self.jsonContentType

    /// The content type of every response but `/metrics`.
    static let jsonContentType = "application/json; charset=utf-8"
    /// The Prometheus text exposition format, version 0.0.4.
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A JSON response.
    static func json<T: Encodable>(_ status: HTTPResponseStatus, _ value: T, headers: [(String, String)] = []) -> Self {
        HTTPResponse(status: status, body: JSONText.data(value), headers: headers)
    }

    /// The JSON error body every failed request gets: `{"error": code, "message": sentence}`.
    static func error(_ status: HTTPResponseStatus, _ code: String, _ message: String,
                      headers: [(String, String)] = []) -> Self {
        .json(status, ["error": code, "message": message], headers: headers)
    }

    /// A response in the Prometheus text format.
    static func prometheus(_ body: [UInt8]) -> Self {
        HTTPResponse(status: .ok, body: Data(body), contentType: Self.prometheusContentType)
    }

    init(
        status: HTTPResponseStatus, body: Data, headers: [(String, String)] = [],
        contentType: String = Self.jsonContentType
    ) {
        self.status = status
        self.body = body
        self.headers = headers
        self.contentType = contentType
    }

    init(_ rejection: HTTPRejection) {
        self = .error(rejection.status, rejection.code, rejection.message, headers: rejection.extraHeaders)
    }
}
