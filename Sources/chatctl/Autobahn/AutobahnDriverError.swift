import ChatKit

/// Why the Autobahn fuzzing server could not be driven.
enum AutobahnDriverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answered at the fuzzing server's address (connection refused, connect timeout).
    case unreachable(String)
    /// The fuzzing server answered, but not as expected (refused upgrade, no case count, …).
    case unexpectedAnswer(String)
    /// The fuzzing server dropped the connection before the handshake completed on this side.
    case closedDuringHandshake

    var description: String {
        switch self {
        case .unreachable(let why): return "fuzzing server unreachable: \(why)"
        case .unexpectedAnswer(let why): return "fuzzing server: \(why)"
        case .closedDuringHandshake: return "fuzzing server: connection closed during the handshake"
        }
    }
}
