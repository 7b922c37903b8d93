import ChatKit
import Foundation

/// Sends chatctl's HTTP requests and turns failures into chatctl's exit statuses after saying what
/// went wrong on standard error.
enum ServerRequest {
    /// Performs the request, checking an `https://` server's certificate as `tls` says; when no HTTP answer
    /// arrives (a failed TLS handshake included), prints `chatctl: <why, naming the URL>` and throws
    /// ``ChatctlExitCode/unreachable`` (or ``ChatctlExitCode/usage`` when libcurl rejects the URL).
    static func send(
        _ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeoutSeconds: Double, tls: CurlTLSSettings
    ) async throws -> HTTPResult {
        let client = CurlHTTPClient(userAgent: "chatctl/\(ChatKitVersion.current)", tls: tls)
        do {
            return try await client.perform(
                method: method, url: url, headers: headers, body: body, timeoutSeconds: timeoutSeconds)
        } catch let error as CurlHTTPError {
            Console.error("chatctl: \(error)")
            throw error.isInvalidURL ? ChatctlExitCode.usage : ChatctlExitCode.unreachable
        }
    }

    /// One line explaining an error response, from the server's JSON error body when it has one:
    /// `HTTP 401 unauthorized: wrong admin token`, else `HTTP 502: <the start of the body>`.
    static func describeFailure(_ result: HTTPResult) -> String {
        if let body = try? JSONDecoder().decode(HTTPErrorBody.self, from: result.body) {
            return "HTTP \(result.status) \(body.error)" + (body.message.map { ": \($0)" } ?? "")
        }
        let text = result.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return "HTTP \(result.status) (empty body)" }
        return "HTTP \(result.status): \(text.count > 300 ? String(text.prefix(300)) + "…" : text)"
    }
}
