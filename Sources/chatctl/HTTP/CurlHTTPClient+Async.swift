import Dispatch
import Foundation

extension CurlHTTPClient {
    /// Where blocking libcurl calls wait. Concurrent, so parallel calls (the load runner's) do not queue
    /// behind each other; a Dispatch thread, never one of Swift's few cooperative-pool threads, blocks.
    private static let blockingQueue = DispatchQueue(label: "chatctl.curl-http", attributes: .concurrent)

    /// Performs one request without blocking the caller's thread: the blocking call runs on a Dispatch
    /// queue and this resumes when it finishes. Same parameters, result and errors as the blocking
    /// ``perform(method:url:headers:body:timeoutSeconds:)``; `timeoutSeconds` bounds the wait.
    /// Cancelling the task does not stop a call already running; the timeout does.
    public func perform(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeoutSeconds: Double
    ) async throws -> HTTPResult {
        try await withCheckedThrowingContinuation { continuation in
            Self.blockingQueue.async {
                continuation.resume(with: Result {
                    try self.perform(
                        method: method, url: url, headers: headers, body: body, timeoutSeconds: timeoutSeconds)
                })
            }
        }
    }
}
