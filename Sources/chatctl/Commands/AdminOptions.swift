import ArgumentParser
import Foundation

/// The options every `chatctl admin` subcommand takes: where the server is, the admin token, the
/// output form, the timeout and how to check an `https://` server's certificate.
struct AdminOptions: ParsableArguments {
    /// The environment variable read when `--token` is not given (the same one `chatserver` reads).
    static let tokenEnvironmentVariable = "CHAT_ADMIN_TOKEN"

    @Option(help: "The server: its base URL http(s)://host:port, or its WebSocket URL ws(s)://host:port/ws.")
    var url: String = ServerBaseURL.defaultURL

    @Option(
        help: ArgumentHelp(
            "The admin token the server was started with (default: $CHAT_ADMIN_TOKEN). "
                + "Prefer the variable: options show up in process lists.",
            valueName: "token"))
    var token: String?

    @Flag(help: "Print the server's JSON body as is instead of the human-readable form.")
    var json = false

    @Option(help: ArgumentHelp("Give up after this many seconds (connecting included).", valueName: "seconds"))
    var timeout: Double = 5

    @OptionGroup var tls: TLSOptions

    mutating func validate() throws {
        _ = try self.baseURL()
        _ = try self.resolvedToken()
        guard self.timeout > 0, self.timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }

    /// The server's HTTP base URL, from `--url`.
    func baseURL() throws -> ServerBaseURL {
        do { return try ServerBaseURL(self.url) } catch { throw ValidationError("\(error)") }
    }

    /// `--token`, else `$CHAT_ADMIN_TOKEN`; an empty value counts as none.
    func resolvedToken() throws -> String {
        let token = self.token ?? ProcessInfo.processInfo.environment[Self.tokenEnvironmentVariable]
        guard let token, !token.isEmpty else {
            throw ValidationError("no admin token: pass --token TOKEN or set \(Self.tokenEnvironmentVariable)")
        }
        return token
    }
}
