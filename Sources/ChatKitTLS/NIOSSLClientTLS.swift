import ChatKitWebSocket
import NIOCore
import NIOSSL

/// TLS for ChatKit's clients (``ChatKit/WebSocketClient``, load runs) on swift-nio-ssl: set it as
/// `ClientConfiguration.tls` or `LoadRunOptions.tls` to connect to `wss://` URLs.
///
/// ```swift
/// var configuration = ClientConfiguration()
/// configuration.tls = try NIOSSLClientTLS(trust: .caFile("ca.pem"))
/// let client = try await WebSocketClient.connect(to: "wss://chat.example.com/ws?name=alice",
///                                                configuration: configuration)
/// ```
public struct NIOSSLClientTLS: ClientTLSProvider {
    /// Which server certificates the client accepts.
    public enum Trust: Sendable, Equatable {
        /// Certificates that chain to the system's trust roots and name the host (or IP address) connected to.
        case systemRoots
        /// Certificates that chain to a CA certificate in this PEM file (and name the host): the system's roots
        /// are not used, as with curl's `--cacert`.
        case caFile(String)
        /// Any certificate, unchecked: for self-signed test servers only (the connection is encrypted but the
        /// server is not authenticated).
        case insecure
    }

    /// Shared by every connection: holds the trust settings, loaded once.
    private let context: NIOSSLContext

    /// Creates the client side. Throws a ``TLSFileError`` naming the CA file when it cannot be used.
    public init(trust: Trust = .systemRoots) throws(TLSFileError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        var caPath: String?
        switch trust {
        case .systemRoots:
            break
        case .caFile(let path):
            caPath = path
            configuration.trustRoots = .certificates(try PEMFile.certificates(path, role: .trustedCertificates))
        case .insecure:
            configuration.certificateVerification = .none
        }
        do {
            self.context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError(
                path: caPath ?? "the system's trust roots", role: .trustedCertificates,
                reason: "cannot be used: \(TLSErrorDescription.describe(error))")
        }
    }

    public func addTLSHandlers(to channel: Channel, serverHostname: String?) throws {
        try channel.pipeline.syncOperations.addHandler(
            NIOSSLClientHandler(context: self.context, serverHostname: serverHostname))
    }

    public func describeTLSError(_ error: Error) -> String? {
        guard error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError else { return nil }
        return TLSErrorDescription.describe(error)
    }
}
