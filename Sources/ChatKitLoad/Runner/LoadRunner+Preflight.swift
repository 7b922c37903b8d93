import ChatKit
import NIOCore
import NIOPosix

// The pre-flight: before any user connects, each target must answer (TCP, or a TLS handshake for `wss://`)
// and a chat server's `/healthz` must be reachable, so an unreachable target fails at once (exit code 3).
extension LoadRunner {
    static func preflight(
        _ url: WebSocketURL, tls: (any ClientTLSProvider)?, transport: LoadHTTPTransport?, protocol: LoadProtocol
    ) async throws {
        if url.isSecure, let tls {
            // A completed TLS handshake: reachable, and the certificate is trusted (a bad one is "unreachable"
            // too, not thousands of failed connections).
            do {
                try await TLSHandshakeProbe.run(url, tls: tls, timeout: .seconds(5))
            } catch let error as WebSocketClientError {
                let reason: String
                switch error {
                case .unreachable(_, let why): reason = why
                case .tlsHandshakeFailed(_, let why): reason = "TLS handshake failed: \(why)"
                case .connectTimeout: reason = "TLS handshake timed out"
                default: reason = "\(error)"
                }
                throw LoadRunError.targetUnreachable(url: url.description, reason: reason)
            }
        } else {
            // A TCP connection tells reachable from not, whatever the server speaks.
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(5))
                    .connect(host: url.host, port: url.port).get()
                try? await channel.close()
            } catch {
                throw LoadRunError.targetUnreachable(
                    url: url.description, reason: ConnectErrorDescription.describe(error))
            }
        }
        guard `protocol` == .chat, let transport, let base = LoadURLs.httpBase(of: url.description) else { return }
        let result = await transport.perform(LoadHTTPRequest(method: "GET", url: base + "/healthz", timeoutSeconds: 5))
        if case .failure(let error) = result, error.isUnreachable {
            throw LoadRunError.targetUnreachable(url: base + "/healthz", reason: error.message)
        }
    }
}
