import ChatKitChat
import Foundation
import NIOHTTP1

/// A complete HTTP response as the HTTP routes produce it: a JSON body, except the chat page and `/metrics`.
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var body: Data
    /// `Content-Type`; JSON unless said otherwise.
    var contentType: String
    /// `Cache-Control`; `no-store` (API answers are never cached) unless said otherwise.
    var cacheControl: String
    /// Extra headers, after the ones above.
    var headers: [(String, String)] = []
    /// The JSON body's `error` code, for an error response (what refused upgrades are counted by).
    var errorCode: String?

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
        var response = Self.json(status, HTTPErrorBody(error: code, message: message), headers: headers)
        response.errorCode = code
        return response
    }

    /// A response in the Prometheus text format.
    static func prometheus(_ body: [UInt8]) -> Self {
        HTTPResponse(status: .ok, body: Data(body), contentType: Self.prometheusContentType)
    }

    init(
        status: HTTPResponseStatus, body: Data, contentType: String = Self.jsonContentType,
        cacheControl: String = "no-store", headers: [(String, String)] = []
    ) {
        self.status = status
        self.body = body
        self.contentType = contentType
        self.cacheControl = cacheControl
        self.headers = headers
    }

    init(_ rejection: HTTPRejection) {
        self = .error(rejection.status, rejection.code, rejection.message, headers: rejection.extraHeaders)
    }
}
