import ChatKit
import ChatKitServer
import Foundation
import FuzzSupport
import NIOCore
import NIOEmbedded

/// The HTTP target: runs the connections of one input (``FuzzInputLayout``) against one in-memory server,
/// lets the handshake timeout pass, closes everything, and checks each exchange (``ConnectionInvariants``)
/// and that the server let go of every connection, name and room.
enum HTTPInvariants {
    /// Small limits, so that the fuzzer reaches them: body, content, rooms, history and send queue.
    static func configuration(mode: ServerMode) -> ServerConfiguration {
        ServerConfiguration(
            port: 0,
            webSocket: WebSocketConfiguration(maxMessageBytes: 2048, sendQueueLimit: 16),
            historySize: 3,
            maxContentBytes: 64,
            maxRoomsPerConnection: 3,
            allowedOrigins: ["https://allowed.example"],
            adminToken: "fuzz-token",
            handshakeTimeout: .seconds(10),
            maxRequestBodyBytes: 512,
            threads: 1,
            mode: mode,
            // The corpus speaks to chat.example; any other Host gets 421 (DNS-rebinding guard).
            allowedHosts: ["chat.example"])
    }

    static func check(_ data: Data) {
        let layout = FuzzInputLayout(data)
        let configuration = Self.configuration(mode: layout.mode)
        let server = ServerContext(configuration: configuration)
        let loop = EmbeddedEventLoop()
        var connections: [FuzzConnection] = []
        for input in layout.connections {
            let connection = FuzzConnection(input: input, loop: loop, server: server)
            connection.deliverInput()
            connections.append(connection)
        }
        loop.advanceTime(by: configuration.handshakeTimeout + .seconds(1))
        for connection in connections { connection.noteTimeoutPassed() }
        for connection in connections { connection.close() }

        var names: [String] = []
        for connection in connections {
            if Self.isVerbose {
                let shown = Data("--- connection wrote:\n".utf8) + Data(connection.output) + Data("\n".utf8)
                FileHandle.standardError.write(shown)
            }
            names += ConnectionInvariants.check(connection, mode: layout.mode)
            names += ReferenceRequests(connection.input).heads.compactMap { Self.requestedName($0.uri) }
        }
        let stats = server.stats.snapshot
        fuzzRequire(stats.connectionsCurrent == 0, "\(stats.connectionsCurrent) connections counted after all closed")
        fuzzRequire(server.hub.roomCount == 0, "\(server.hub.roomCount) rooms left after everyone left")
        for name in names {
            fuzzRequire(!server.hub.isNameTaken(name), "the name \"\(name)\" is still taken after all closed")
        }
        do {
            try loop.syncShutdownGracefully()
        } catch {
            fuzzFail("the event loop did not shut down: \(error)")
        }
    }

    /// `FUZZ_VERBOSE=1` in the environment prints what the server wrote on each connection (for replaying
    /// one input by hand).
    private static let isVerbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] == "1"

    /// The `name` query parameter of a request target, decoded as the server decodes it.
    private static func requestedName(_ uri: String) -> String? {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") where pair.hasPrefix("name=") {
            let value = pair.dropFirst("name=".count).replacingOccurrences(of: "+", with: " ")
            return value.removingPercentEncoding ?? value
        }
        return nil
    }
}
