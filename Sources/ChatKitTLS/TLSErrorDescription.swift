import NIOSSL

/// Short, human descriptions of swift-nio-ssl's errors ("certificate verify failed") instead of BoringSSL's
/// error stacks with their codes and source paths.
enum TLSErrorDescription {
    static func describe(_ error: Error) -> String {
        switch error {
        case let error as NIOSSLError:
            switch error {
            case .handshakeFailed(let boringSSLError): return Self.describe(boringSSLError)
            case .uncleanShutdown: return "the peer closed the connection without a TLS close"
            case .failedToLoadCertificate: return "cannot load the certificate"
            case .failedToLoadPrivateKey: return "cannot load the private key"
            case .noSuchFilesystemObject: return "no such file"
            default: return "\(error)"
            }
        case let error as BoringSSLError:
            switch error {
            case .sslError(let stack), .unknownError(let stack): return Self.describe(stack)
            default: return "\(error)"
            }
        default:
            return "\(error)"
        }
    }

    /// BoringSSL's reasons, e.g. `error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at …`
    /// → `certificate verify failed`; synthetic ones (`EOF during handshake`) as they are.
    private static func describe(_ stack: [BoringSSLInternalError]) -> String {
        guard !stack.isEmpty else { return "unknown TLS error" }
        var reasons: [String] = []
        for entry in stack {
            let reason = Self.reason(entry.description)
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons.joined(separator: "; ")
    }

    private static func reason(_ entry: String) -> String {
        var text = Substring(entry)
        if text.hasPrefix("Error: ") { text = text.dropFirst("Error: ".count).drop { $0 != " " }.dropFirst() }
        if let at = text.range(of: " at ") { text = text[..<at.lowerBound] }
        // "error:CODE:LIBRARY:FUNCTION:REASON": keep REASON, in words.
        if text.hasPrefix("error:"), let lastColon = text.lastIndex(of: ":") {
            text = text[text.index(after: lastColon)...]
        }
        let words = text.replacingOccurrences(of: "_", with: " ").lowercased()
        switch words {
        case "eof during handshake": return "the server closed the connection during the TLS handshake"
        case "wrong version number", "http request", "https proxy request":
            return "\(words) (is the other side speaking TLS?)"
        case "certificate verify failed":
            return "certificate verify failed (the server's certificate is not trusted, or does not name the host)"
        default: return words.isEmpty ? String(entry) : words
        }
    }
}
