import ChatKit
import ChatKitLoad
import Foundation

/// The load runner's HTTP calls (pre-flight health, admin stats, `http` steps) made through libcurl.
struct CurlLoadTransport: LoadHTTPTransport {
    let client: CurlHTTPClient

    /// A transport whose `https://` calls check certificates as `tls` says.
    init(tls: CurlTLSSettings = CurlTLSSettings()) {
        self.client = CurlHTTPClient(connectTimeoutSeconds: 5, tls: tls)
    }

    func perform(_ request: LoadHTTPRequest) async -> Result<LoadHTTPResponse, LoadHTTPError> {
        do {
            let result = try await self.client.perform(
                method: request.method, url: request.url, headers: request.headers.map { (name: $0.0, value: $0.1) },
                body: request.body, timeoutSeconds: request.timeoutSeconds)
            return .success(LoadHTTPResponse(status: result.status, body: result.body))
        } catch let error as CurlHTTPError {
            return .failure(LoadHTTPError(message: error.description, isUnreachable: error.isUnreachable))
        } catch {
            return .failure(LoadHTTPError(message: "\(request.url): \(error)", isUnreachable: false))
        }
    }
}
