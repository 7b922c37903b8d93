import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// chatserver's connection and join limit flags, on the executable as a child process: they reach the server, and
/// bad values exit 2 with a message naming the flag.
final class ChatServerLimitFlagsTests: XCTestCase {
    private func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(try RepositoryPaths.binary("chatserver"), arguments)
    }

    func testMaxConnectionsAndJoinRateFlagsReachTheServer() async throws {
        let server = try self.start(["--port", "0", "--max-connections", "1", "--join-rate", "0.01", "--join-burst", "1"])
        defer { server.terminate() }
        let line = try await server.firstLine()
        let url = String(line.dropFirst("listening on ".count))
        let port = try WebSocketURL(url).port

        let alice = ChatTestClient(name: "alice", client: try await WebSocketClient.connect(to: url + "?name=alice"))
        guard case .welcome("alice") = try await alice.next() else { return XCTFail("no welcome") }
        // The second WebSocket is refused before its upgrade; plain HTTP is still answered.
        let client = try await RawTCPClient.connect(port: port)
        try await client.sendUpgrade(target: "/ws?name=bob")
        try await client.channel.closeFuture.get()
        let refused = try parseHTTPResponse(client.text)
        XCTAssertEqual(refused.status, 503, refused.body)
        XCTAssertEqual(refused.json["error"] as? String, "too_many_connections")
        XCTAssertTrue((refused.json["message"] as? String ?? "").contains("maximum of 1 WebSocket"), refused.body)
        let health = try await httpRequest(port: port, method: "GET", path: "/healthz")
        XCTAssertEqual(health.status, 200)

        // One join in the burst, then the connection's bucket is empty for 100 s.
        try await alice.join("first")
        try alice.send(.join(room: "second", id: "j2"))
        guard case .error(.joinRateLimited, let message, "j2") = try await alice.next() else {
            return XCTFail("the second join was not refused")
        }
        XCTAssertTrue(message.contains("0.01/s (burst 1)"), message)
        await alice.close()
    }

    func testBadLimitFlagsExitTwoNamingTheFlag() async throws {
        let cases: [([String], String)] = [
            (["--max-connections=-1"], "--max-connections must be 0 or more"),
            (["--max-connections-per-ip=-5"], "--max-connections-per-ip must be 0 or more"),
            (["--handshake-rate-per-ip=-1"], "--handshake-rate-per-ip must be 0 or more"),
            (["--handshake-burst-per-ip", "0"], "--handshake-burst-per-ip must be at least 1"),
            (["--join-rate=-2"], "--join-rate must be 0 or more"),
            (["--join-burst", "0"], "--join-burst must be at least 1"),
            (["--join-rate-per-ip", "inf"], "--join-rate-per-ip must be 0 or more"),
            (["--join-burst-per-ip", "0"], "--join-burst-per-ip must be at least 1"),
        ]
        for (arguments, message) in cases {
            let server = try self.start(arguments)
            let status = try await server.wait()
            XCTAssertEqual(status, 2, "\(arguments)")
            XCTAssertTrue(server.stderr.contains(message), "\(arguments): \(server.stderr)")
        }
    }
}
