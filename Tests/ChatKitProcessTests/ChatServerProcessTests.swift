import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// The chatserver executable as a real child process: its first line, bad flags, signals.
final class ChatServerProcessTests: XCTestCase {
    private func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(try RepositoryPaths.binary("chatserver"), arguments)
    }

    func testFirstLineIsTheBoundAddressAndSIGTERMOrSIGINTClosesEveryoneWith1001() async throws {
        for signal in [SIGTERM, SIGINT] {
            let server = try self.start(["--port", "0", "--shutdown-timeout", "2"])
            defer { server.terminate() }
            let line = try await server.firstLine()
            XCTAssertTrue(line.hasPrefix("listening on ws://127.0.0.1:"), line)
            let url = String(line.dropFirst("listening on ".count))
            XCTAssertTrue(url.hasSuffix("/ws"), url)

            let client = try await WebSocketClient.connect(to: url + "?name=alice&room=lobby")
            var events = client.events.makeAsyncIterator()
            _ = await events.next()  // welcome
            // The service group (swift-service-lifecycle) turns the signal into a graceful shutdown.
            kill(server.process.processIdentifier, signal)
            var closed: WebSocketEvent?
            while let event = await events.next() {
                if case .closed = event { closed = event }
            }
            XCTAssertEqual(closed, .closed(code: 1001, reason: "server shutting down"), "signal \(signal)")
            let status = try await server.wait(timeout: .seconds(10))
            XCTAssertEqual(status, 0, server.stderr)
            XCTAssertTrue(server.stderr.contains("shutting down: closing every connection with 1001"), server.stderr)
        }
    }

    func testBadFlagsExitTwoWithAClearMessage() async throws {
        let cases: [([String], String)] = [
            (["--port", "70000"], "--port must be from 0 to 65535"),
            (["--pong-timeout", "30", "--ping-interval", "20"], "--pong-timeout must be below --ping-interval"),
            (["--log-level", "chatty"], "--log-level must be one of"),
            (["--mode", "party"], "The value 'party' is invalid for '--mode <mode>'"),
            (["--frobnicate"], "Unknown option '--frobnicate'"),
            (["--allowed-hosts", "chat.example.com,bad host"], "--allowed-hosts: \"bad host\" is not a host name"),
            (["--allowed-hosts", "chat.example.com:99999"], "--allowed-hosts: \"chat.example.com:99999\""),
            (["--allowed-hosts", "a,,b"], "--allowed-hosts: \"\" is not a host name"),
            (["--history-max-age=-1"], "--history-max-age must be from 0 (no age limit) to 1000000000 seconds"),
            (["--history-max-age", "1e300"], "--history-max-age must be from 0 (no age limit) to 1000000000 seconds"),
        ]
        for (arguments, message) in cases {
            let server = try self.start(arguments)
            let status = try await server.wait()
            XCTAssertEqual(status, 2, "\(arguments)")
            XCTAssertTrue(server.stderr.contains(message), "\(arguments): \(server.stderr)")
        }
    }

    func testPortInUseIsAClearErrorNotACrash() async throws {
        try await withServer { running in
            let server = try self.start(["--port", "\(running.port)"])
            let status = try await server.wait()
            XCTAssertEqual(status, 1)
            XCTAssertEqual(
                server.stderr, "chatserver: cannot listen on 127.0.0.1:\(running.port): address already in use\n")
        }
    }
}
