import ChatKit
import NIOCore

// The embedded server: a ChatKit server in this process, for a chat run given no target.
extension LoadRunner {
    /// Where to connect: the options' targets, the option's or the scenario's target, or else an embedded server
    /// started here (chat only; there is no embedded raw server), which the caller shuts down.
    static func targets(
        for scenario: Scenario, options: LoadRunOptions
    ) async throws -> (texts: [String], embeddedServer: ChatServer?) {
        if !options.targets.isEmpty { return (options.targets, nil) }
        if let target = options.target ?? scenario.target { return ([target], nil) }
        guard scenario.wireProtocol == .chat else {
            throw LoadRunError.targetMissing
        }
        let server = try await Self.startEmbeddedServer()
        options.onEmbeddedServer?(server.url)
        return ([server.url], server)
    }

    /// A ChatKit server on a free port of 127.0.0.1, on half the cores, with a send queue deep enough for a load test.
    /// Every user connects from 127.0.0.1 and a script may join and leave in a tight loop: the embedded server
    /// limits neither joins nor connections (the process's open-files limit, shared with the users, does).
    static func startEmbeddedServer() async throws -> ChatServer {
        try await ChatServer.start(configuration: ServerConfiguration(
            port: 0, webSocket: WebSocketConfiguration(sendQueueLimit: 4096), threads: max(1, System.coreCount / 2),
            maxConnections: 0, joinRatePerConnection: nil))
    }
}
