/// How ``CurlHTTPClient`` checks an `https://` server's certificate. The default checks it against the
/// system's trust roots and the host name, as curl does.
public struct CurlTLSSettings: Sendable, Equatable {
    /// Skip the certificate and host name checks (`CURLOPT_SSL_VERIFYPEER` and `CURLOPT_SSL_VERIFYHOST` 0):
    /// for self-signed test servers only. Default `false`.
    public var insecure: Bool
    /// A PEM file of the CA certificates to trust instead of the system's (`CURLOPT_CAINFO`). Default `nil`.
    public var caFile: String?

    /// Creates settings; every argument has the documented default.
    public init(insecure: Bool = false, caFile: String? = nil) {
        self.insecure = insecure
        self.caFile = caFile
    }
}
