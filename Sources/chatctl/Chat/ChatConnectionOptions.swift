import ArgumentParser
import ChatKit
import ChatKitLoad
import Foundation

/// Options shared by `send`, `listen` and `bot`: where to connect, as whom, in which room, which protocol, and
/// how to check a `wss://` server's certificate.
struct ChatConnectionOptions: ParsableArguments {
    @Argument(help: "WebSocket URL of the chat endpoint (ws:// or wss://).")
    var url = "ws://127.0.0.1:8080/ws"

    @Option(name: .customLong("as"), help: "Name to connect as (default: a generated one).")
    var name: String?

    @Option(help: "Seconds to wait for the connection and handshake.")
    var connectTimeout: Double = 10

    @Option(
        name: .customLong("protocol"),
        help: "chat (ChatKit's protocol) or raw (a plain broadcast server: every text frame goes to everyone).")
    var wireProtocol: LoadProtocol = .chat

    @OptionGroup var tls: TLSOptions

    func validate() throws {
        do { _ = try WebSocketURL(self.url) } catch { throw ValidationError("URL: \(error)") }
        if let name = self.name, let problem = NameRules.userNameProblem(name) {
            throw ValidationError("--as: \(problem)")
        }
        guard self.connectTimeout > 0 else { throw ValidationError("--connect-timeout must be positive") }
        guard self.wireProtocol == .chat || self.wireProtocol == .raw else {
            throw ValidationError("--protocol: \(self.wireProtocol.rawValue) is for scenarios (chatctl run); use chat or raw here")
        }
    }

    /// The name to use: `--as`, or `prefix-` and four random hex digits.
    func resolvedName(prefix: String) -> String {
        self.name ?? "\(prefix)-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
    }

    /// Connects (adding `name` and `room` to the query in chat mode), mapping failures to chatctl's exit codes:
    /// 3 when nothing answered or the TLS handshake failed, 1 when the server refused (name taken, invalid name).
    func connect(name: String, room: String?) async throws -> WebSocketClient {
        var url = self.url
        if self.wireProtocol == .chat {
            var query = "name=\(Self.encode(name))"
            if let room { query += "&room=\(Self.encode(room))" }
            url += (url.contains("?") ? "&" : "?") + query
        }
        var configuration = ClientConfiguration()
        configuration.connectTimeout = .fromSeconds(self.connectTimeout)
        configuration.tls = try self.tls.clientTLS()
        do {
            return try await WebSocketClient.connect(to: url, configuration: configuration)
        } catch let error as WebSocketClientError {
            Console.error("chatctl: \(error)")
            switch error {
            case .unreachable, .connectTimeout, .tlsHandshakeFailed: throw ChatctlExitCode.unreachable
            default: throw ChatctlExitCode.failed
            }
        }
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+"])) ?? text
    }
}

extension LoadProtocol: ExpressibleByArgument {}
