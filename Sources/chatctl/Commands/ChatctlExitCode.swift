import ArgumentParser
import Foundation

/// chatctl's exit statuses, the same for every subcommand so that scripts can branch on them. Every exit of
/// chatctl goes through one of these; none is written as a number elsewhere.
enum ChatctlExitCode {
    /// Success (for `health`: the server is healthy).
    static let success = ExitCode.success
    /// The server answered with an error status (for `health`: it is not healthy).
    static let serverError = ExitCode(1)
    /// The command ran but did not succeed: a run or report failed its checks, a line was refused or got no
    /// echo, the connection ended, a bot rule had no answer. The same status as ``serverError``.
    static let failed = ExitCode(1)
    /// Bad usage: an unknown option, a missing argument or admin token, an invalid URL or scenario. Replaces
    /// ArgumentParser's EX_USAGE (64), so that the usual shell convention holds.
    static let usage = ExitCode(2)
    /// No answer: connection refused, unknown host, timed out, the connection dropped, or a TLS handshake
    /// failed.
    static let unreachable = ExitCode(3)

    /// A run stopped by `signal` ("SIGINT" or "SIGTERM"): 128 + its number (130 or 143), the shell's convention.
    static func interrupted(by signal: String) -> ExitCode {
        ExitCode(signal == "SIGINT" ? 128 + SIGINT : 128 + SIGTERM)
    }
}
