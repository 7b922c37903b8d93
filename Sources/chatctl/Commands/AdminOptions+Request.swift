import ArgumentParser
import Foundation

extension AdminOptions {
    /// Calls the admin API with the bearer token and returns the successful (2xx) response.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The path under the base URL, starting with `/admin/`, names already percent-encoded.
    ///   - body: A JSON body, or `nil`.
    /// - Throws: After printing `error: …` to standard error: ``ChatctlExitCode/serverError`` for an error
    ///   status (the line is `error: HTTP 401 unauthorized: wrong admin token`), and what
    ///   ``ServerRequest/send(_:_:headers:body:timeoutSeconds:tls:)`` throws when there is no answer.
    func request(_ method: String, _ path: String, body: Data? = nil) async throws -> HTTPResult {
        var headers = [(name: "Authorization", value: "Bearer \(try self.resolvedToken())"),
                       (name: "Accept", value: "application/json")]
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        let result = try await ServerRequest.send(
            method, try self.baseURL().url(path), headers: headers, body: body, timeoutSeconds: self.timeout,
            tls: self.tls.curl)
        guard result.isSuccess else {
            Console.error("chatctl: \(ServerRequest.describeFailure(result))")
            throw ChatctlExitCode.serverError
        }
        return result
    }

    /// With `--json`, prints the body as the server sent it and returns `nil`; otherwise decodes it as `T`
    /// for the human-readable form. A body that does not decode is reported and exits with status 1.
    func decodeUnlessJSON<T: Decodable>(_ type: T.Type, from result: HTTPResult) throws -> T? {
        if self.json {
            print(result.bodyText.trimmingCharacters(in: .newlines))
            return nil
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: result.body)
        } catch {
            Console.error("chatctl: the server's answer is not what chatctl expects: \(result.bodyText)")
            throw ChatctlExitCode.serverError
        }
    }
}
