/// A certificate or key file that cannot be used for TLS; the description names the file and says why,
/// e.g. `--tls-key server.key: no PEM private key in the file`.
public struct TLSFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as given.
    public let path: String
    /// What is wrong with it.
    public let reason: String

    /// Creates an error about `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(self.path): \(self.reason)" }
}
