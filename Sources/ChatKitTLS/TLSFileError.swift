/// A certificate or key file that cannot be used for TLS; the description names the file and says why,
/// e.g. `server.key: no usable PEM private key in the file (an unencrypted key is needed)`.
public struct TLSFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What a file is for, so that a caller can name its option (`--tls-cert`, `--tls-key`, `--ca-file`).
    public enum Role: Sendable, Equatable {
        /// The server's certificate chain.
        case certificateChain
        /// The server's private key.
        case privateKey
        /// The CA certificates a client trusts.
        case trustedCertificates
    }

    /// The file as given.
    public let path: String
    /// What the file is for.
    public let role: Role
    /// What is wrong with it.
    public let reason: String

    /// Creates an error about `path`.
    public init(path: String, role: Role, reason: String) {
        self.path = path
        self.role = role
        self.reason = reason
    }

    public var description: String { "\(self.path): \(self.reason)" }
}
