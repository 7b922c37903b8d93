import ArgumentParser

/// chatctl's exit statuses, the same for every subcommand so that scripts can branch on them.
enum ChatctlExitCode {
    /// Success (for `health`: the server is healthy).
    static let success = ExitCode.success
    /// The server answered with an error status (for `health`: it is not healthy).
    static let serverError = ExitCode(1)
    /// Bad usage: an unknown option, a missing argument or admin token, an invalid URL. Replaces
    /// ArgumentParser's EX_USAGE (64), so that the usual shell convention holds.
    static let usage = ExitCode(2)
    /// No HTTP answer: connection refused, unknown host, timed out, or the connection dropped.
    static let unreachable = ExitCode(3)
}
