import ArgumentParser
import ChatKit
import Foundation

/// `chatctl health [URL]`: asks a server's `/healthz` whether it is healthy, for scripts and probes.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check whether a chat server is healthy (GET /healthz).",
        discussion: """
            Prints one line, e.g. "healthy: status=ok connections=3 rooms=1 uptime=12.5s", or with --json \
            the server's JSON body as is.

            Exit status: 0 healthy (HTTP 200 and status "ok"); 1 not healthy (another HTTP status, or the \
            server is draining: the line says why and shows the body); 2 bad usage; 3 unreachable (the \
            message names the URL), a failed TLS handshake included.

            Examples:
              chatctl health
              chatctl health http://chat.example.internal:8080 --timeout 2
              chatctl health ws://127.0.0.1:8080/ws --json
              chatctl health https://127.0.0.1:8443 --ca-file server.crt
            """
    )

    @Argument(help: "The server: its base URL http(s)://host:port, or its WebSocket URL ws(s)://host:port/ws.")
    var url: String = ServerBaseURL.defaultURL

    @Flag(help: "Print the /healthz JSON body instead of the one-line summary.")
    var json = false

    @Option(help: ArgumentHelp("Give up after this many seconds (connecting included).", valueName: "seconds"))
    var timeout: Double = 5

    @OptionGroup var tls: TLSOptions

    mutating func validate() throws {
        do { _ = try ServerBaseURL(self.url) } catch { throw ValidationError("\(error)") }
        guard self.timeout > 0, self.timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }

    func run() async throws {
        let healthURL = try ServerBaseURL(self.url).url("/healthz")
        let result = try await ServerRequest.send("GET", healthURL, timeoutSeconds: self.timeout, tls: self.tls.curl)
        let report = try? JSONDecoder().decode(HealthStatus.self, from: result.body)
        let healthy = result.status == 200 && report?.status == "ok"

        if self.json {
            print(result.bodyText.trimmingCharacters(in: .newlines))
        } else if healthy, let report {
            print("healthy: status=\(report.status) connections=\(report.connections) rooms=\(report.rooms) "
                + "uptime=\(String(format: "%.1f", report.uptimeSeconds))s")
        } else {
            let body = result.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
            let status = report.map { ", status=\($0.status)" } ?? ""
            print("not healthy: HTTP \(result.status)\(status): \(body.isEmpty ? "(empty body)" : body)")
        }
        if !healthy { throw ChatctlExitCode.serverError }
    }

}
