import Foundation
import NIOCore
import NIOPosix

/// Short, human descriptions of why a TCP connection failed ("Connection refused"), instead of NIO's
/// nested error dumps.
public enum ConnectErrorDescription {
    /// One line for `error`: the first connection error of a NIO connect failure, an errno's text, or the error itself.
    public static func describe(_ error: Error) -> String {
        if let error = error as? NIOConnectionError {
            if let dnsError = error.dnsAAAAError ?? error.dnsAError, error.connectionErrors.isEmpty {
                return "cannot resolve host: \(dnsError)"
            }
            if let first = error.connectionErrors.first { return Self.describe(first.error) }
        }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        return "\(error)"
    }
}
