import Foundation
import NIOHTTP1

/// A complete HTTP response with a JSON body, as the HTTP routes produce it.
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var body: Data
    var headers: [(String, String)] = []

    /// A JSON response.
    static func json<T: Encodable>(_ status: HTTPResponseStatus, _ value: T, headers: [(String, String)] = []) -> Self {
        HTTPResponse(status: status, body: JSONText.data(value), headers: headers)
    }

    /// The JSON error body every failed request gets: `{"error": code, "message": sentence}`.
    static func error(_ status: HTTPResponseStatus, _ code: String, _ message: String,
                      headers: [(String, String)] = []) -> Self {
        .json(status, ["error": code, "message": message], headers: headers)
    }

    init(status: HTTPResponseStatus, body: Data, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    init(_ rejection: HTTPRejection) {
        self = .error(rejection.status, rejection.code, rejection.message, headers: rejection.extraHeaders)
    }
}
