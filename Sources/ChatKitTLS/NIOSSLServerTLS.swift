import ChatKitWebSocket
import NIOCore
import NIOSSL

/// TLS for ``ChatKit/ChatServer`` on swift-nio-ssl, from PEM files: set it as `ServerConfiguration.tls`.
///
/// ```swift
/// let tls = try NIOSSLServerTLS(certificateChainFile: "server.crt", privateKeyFile: "server.key")
/// let server = try await ChatServer.start(configuration: ServerConfiguration(port: 8443, tls: tls))
/// print(server.url)   // wss://127.0.0.1:8443/ws
/// ```
public struct NIOSSLServerTLS: ServerTLSProvider {
    /// Shared by every connection: holds the certificate chain and key, loaded once.
    private let context: NIOSSLContext

    /// Loads the certificate chain (the server's certificate first, then any intermediates) and its private key.
    /// Throws a ``TLSFileError`` naming the file when one is missing, unreadable or not PEM, or when the key does
    /// not belong to the certificate.
    public init(certificateChainFile: String, privateKeyFile: String) throws(TLSFileError) {
        let chain = try PEMFile.certificates(certificateChainFile, role: .certificateChain)
        let key = try PEMFile.privateKey(privateKeyFile)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            self.context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError(
                path: privateKeyFile, role: .privateKey,
                reason: "cannot be used with the certificate in \(certificateChainFile) (does the key belong to it?): "
                    + TLSErrorDescription.describe(error))
        }
    }

    public func addTLSHandlers(to channel: Channel) throws {
        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: self.context))
    }
}
