import ChatKit
import ChatKitTestSupport
import Foundation
import NIOCore
import NIOPosix
import XCTest

/// `chatctl health` and `chatctl admin …`: the built binary, run as a child process against a real server
/// on a loopback port; checks exit statuses, standard output and standard error.
final class ChatctlHTTPTests: XCTestCase {
    private static let token = "s3cret"

    // MARK: health

    func testHealthOfAHealthyServer() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            _ = alice
            let run = try await chatctl(["health", server.httpURL])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertNotNil(
                run.stdout.range(of: #"^healthy: status=ok connections=1 rooms=1 uptime=\d+\.\ds\n$"#,
                                 options: .regularExpression),
                run.stdout)
            XCTAssertEqual(run.stderr, "")

            // The WebSocket URL works too: the HTTP base is derived from it.
            let viaWebSocketURL = try await chatctl(["health", server.url, "--timeout", "2"])
            XCTAssertEqual(viaWebSocketURL.status, 0, viaWebSocketURL.stderr)
            XCTAssertTrue(viaWebSocketURL.stdout.hasPrefix("healthy: status=ok connections=1 rooms=1 "))
        }
    }

    func testHealthJSONPrintsTheBody() async throws {
        try await withServer { server in
            let run = try await chatctl(["health", server.httpURL, "--json"])
            XCTAssertEqual(run.status, 0, run.stderr)
            let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(body["status"] as? String, "ok")
            XCTAssertEqual(body["connections"] as? Int, 0)
            XCTAssertEqual(body["rooms"] as? Int, 0)
            XCTAssertNotNil(body["uptimeSeconds"] as? Double)
        }
    }

    func testHealthOfAClosedPortIsUnreachable() async throws {
        let closedPort = try await withServer { $0.port }  // the server is gone when withServer returns
        let url = "http://127.0.0.1:\(closedPort)"
        let run = try await chatctl(["health", url])
        XCTAssertEqual(run.status, 3, run.stderr)
        XCTAssertEqual(run.stdout, "")
        XCTAssertTrue(run.stderr.contains("cannot connect to \(url)/healthz: "), run.stderr)
    }

    func testHealthOfASilentServerTimesOut() async throws {
        // Accepts connections and never answers.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try XCTUnwrap(silent.localAddress?.port)
        let started = ContinuousClock.now
        let run = try await chatctl(["health", "http://127.0.0.1:\(port)", "--timeout", "0.5"])
        try await silent.close()
        XCTAssertEqual(run.status, 3, run.stderr)
        XCTAssertTrue(run.stderr.contains("timed out after 0.5s: http://127.0.0.1:\(port)/healthz"), run.stderr)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20))
    }

    func testHealthOfAnErrorStatusIsNotHealthy() async throws {
        try await withServer { server in
            // A path prefix the server does not serve: GET /elsewhere/healthz answers 404.
            let run = try await chatctl(["health", "\(server.httpURL)/elsewhere"])
            XCTAssertEqual(run.status, 1, run.stderr)
            XCTAssertTrue(run.stdout.hasPrefix("not healthy: HTTP 404: "), run.stdout)
            XCTAssertTrue(run.stdout.contains(#""error":"not_found""#), run.stdout)
        }
    }

    func testHealthRejectsBadUsage() async throws {
        let badScheme = try await chatctl(["health", "ftp://127.0.0.1:8080"])
        XCTAssertEqual(badScheme.status, 2)
        XCTAssertTrue(badScheme.stderr.contains("the scheme must be http, https, ws or wss"), badScheme.stderr)
        let badTimeout = try await chatctl(["health", "--timeout", "0"])
        XCTAssertEqual(badTimeout.status, 2)
        XCTAssertTrue(badTimeout.stderr.contains("--timeout"), badTimeout.stderr)
        let help = try await chatctl(["health", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("Examples:"), help.stdout)
    }

    // MARK: admin

    func testAdminCommandsWithTheRightToken() async throws {
        try await withServer({ $0.adminToken = Self.token }) { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "lobby")
            _ = try await alice.next()  // presence bob
            try await bob.join("side")
            let common = ["--url", server.httpURL, "--token", Self.token]

            let rooms = try await chatctl(["admin", "rooms"] + common)
            XCTAssertEqual(rooms.status, 0, rooms.stderr)
            XCTAssertEqual(rooms.stdout, """
                ROOM   MEMBERS  SEQ  HISTORY
                lobby        2    0        0
                side         1    0        0

                """)

            let roomsJSON = try await chatctl(["admin", "rooms", "--json"] + common)
            XCTAssertEqual(roomsJSON.status, 0, roomsJSON.stderr)
            let roomList = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(roomsJSON.stdout.utf8)) as? [String: Any])["rooms"]
                as? [[String: Any]]
            XCTAssertEqual(roomList?.map { $0["name"] as? String }, ["lobby", "side"])

            // The WebSocket URL is accepted for --url as well.
            let users = try await chatctl(["admin", "users", "lobby", "--url", server.url, "--token", Self.token])
            XCTAssertEqual(users.status, 0, users.stderr)
            let userLines = users.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(userLines.count, 3, users.stdout)
            XCTAssertTrue(userLines[0].hasPrefix("USER   ADDRESS"), users.stdout)
            XCTAssertNotNil(userLines[1].range(of: #"^alice  127\.0\.0\.1:\d+ +\d{4}-\d\d-\d\dT\S+Z  lobby$"#,
                                               options: .regularExpression), users.stdout)
            XCTAssertTrue(userLines[2].hasPrefix("bob    127.0.0.1:"), users.stdout)
            XCTAssertTrue(userLines[2].hasSuffix("  lobby,side"), users.stdout)

            let stats = try await chatctl(["admin", "stats"] + common)
            XCTAssertEqual(stats.status, 0, stats.stderr)
            let statLines = stats.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(statLines.first, "connectionsCurrent: 2")
            XCTAssertTrue(statLines.contains("connectionsTotal: 2"), stats.stdout)
            XCTAssertTrue(statLines.contains("messagesIn: 1"), stats.stdout)  // bob's join
            XCTAssertTrue(statLines.contains("slowConsumersDropped: 0"), stats.stdout)
            XCTAssertEqual(statLines.last, "errors: none")

            // Several words are one announcement; members get it from @system.
            let announce = try await chatctl(["admin", "announce", "lobby", "maintenance", "at", "noon"] + common)
            XCTAssertEqual(announce.status, 0, announce.stderr)
            XCTAssertEqual(announce.stdout, "announced in lobby: seq=1\n")
            for member in [alice, bob] {
                guard case .message(let message) = try await member.next() else { return XCTFail(member.name) }
                XCTAssertEqual(message.from, "@system")
                XCTAssertEqual(message.content, "maintenance at noon")
                XCTAssertEqual(message.room, "lobby")
                XCTAssertEqual(message.seq, 1)
            }

            let kick = try await chatctl(["admin", "kick", "bob", "--reason", "spam & eggs/ham"] + common)
            XCTAssertEqual(kick.status, 0, kick.stderr)
            XCTAssertEqual(kick.stdout, "kicked bob (reason: spam & eggs/ham)\n")
            let (code, reason) = try await bob.closed()
            XCTAssertEqual(code, 1008)
            XCTAssertEqual(reason, "spam & eggs/ham")
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))

            let kickAgain = try await chatctl(["admin", "kick", "bob"] + common)
            XCTAssertEqual(kickAgain.status, 1)
            XCTAssertTrue(kickAgain.stderr.contains("chatctl: HTTP 404 unknown_user"), kickAgain.stderr)
        }
    }

    func testAdminPercentEncodesNames() async throws {
        try await withServer({ $0.adminToken = Self.token }) { server in
            let carol = try await ChatTestClient.connect(server, name: "carol")
            try await carol.join("café")
            try await carol.join("..")  // a valid room name that must not become a parent-directory segment
            let common = ["--url", server.httpURL, "--token", Self.token]
            for room in ["café", ".."] {
                let users = try await chatctl(["admin", "users", room] + common)
                XCTAssertEqual(users.status, 0, "\(room): \(users.stderr)")
                XCTAssertTrue(users.stdout.contains("\ncarol  127.0.0.1:"), users.stdout)
            }
            let announce = try await chatctl(["admin", "announce", "..", "dots", "--json"] + common)
            XCTAssertEqual(announce.status, 0, announce.stderr)
            let message = try JSONDecoder().decode(ChatMessage.self, from: Data(announce.stdout.utf8))
            XCTAssertEqual(message.room, "..")
            XCTAssertEqual(message.from, "@system")
            XCTAssertEqual(message.content, "dots")
        }
    }

    func testAdminWithAWrongTokenFails() async throws {
        try await withServer({ $0.adminToken = Self.token }) { server in
            let run = try await chatctl(["admin", "rooms", "--url", server.httpURL, "--token", "wrong"])
            XCTAssertEqual(run.status, 1)
            XCTAssertEqual(run.stdout, "")
            XCTAssertEqual(run.stderr, "chatctl: HTTP 401 unauthorized: wrong admin token\n")
        }
    }

    func testAdminWithoutATokenIsAUsageError() async throws {
        try await withServer({ $0.adminToken = Self.token }) { server in
            let run = try await chatctl(["admin", "stats", "--url", server.httpURL])  // CHAT_ADMIN_TOKEN is empty
            XCTAssertEqual(run.status, 2)
            XCTAssertTrue(run.stderr.contains("--token"), run.stderr)
            XCTAssertTrue(run.stderr.contains("CHAT_ADMIN_TOKEN"), run.stderr)
            XCTAssertEqual(server.stats.snapshot.connectionsTotal, 0)
        }
    }

    func testAdminTakesTheTokenFromTheEnvironment() async throws {
        try await withServer({ $0.adminToken = Self.token }) { server in
            let run = try await chatctl(
                ["admin", "stats", "--url", server.httpURL, "--json"], environment: ["CHAT_ADMIN_TOKEN": Self.token])
            XCTAssertEqual(run.status, 0, run.stderr)
            let stats = try JSONDecoder().decode(ServerStats.Snapshot.self, from: Data(run.stdout.utf8))
            XCTAssertEqual(stats.connectionsCurrent, 0)

            // --token wins over the environment.
            let overridden = try await chatctl(
                ["admin", "stats", "--url", server.httpURL, "--token", "wrong"],
                environment: ["CHAT_ADMIN_TOKEN": Self.token])
            XCTAssertEqual(overridden.status, 1)
            XCTAssertTrue(overridden.stderr.contains("HTTP 401"), overridden.stderr)
        }
    }

    func testAdminAgainstAServerWithoutAdminAPI() async throws {
        try await withServer { server in
            let run = try await chatctl(["admin", "rooms", "--url", server.httpURL, "--token", Self.token])
            XCTAssertEqual(run.status, 1)
            XCTAssertTrue(run.stderr.hasPrefix("chatctl: HTTP 404 admin_disabled: "), run.stderr)
        }
    }

    func testAdminUnknownRoom() async throws {
        try await withServer({ $0.adminToken = Self.token }) { server in
            let common = ["--url", server.httpURL, "--token", Self.token]
            let users = try await chatctl(["admin", "users", "ghost"] + common)
            XCTAssertEqual(users.status, 1)
            XCTAssertEqual(users.stderr, "chatctl: HTTP 404 unknown_room: no room named \"ghost\"\n")
            let announce = try await chatctl(["admin", "announce", "ghost", "hello"] + common)
            XCTAssertEqual(announce.status, 1)
            XCTAssertTrue(announce.stderr.contains("HTTP 404 unknown_room"), announce.stderr)
        }
    }

    func testAdminAgainstAClosedPortIsUnreachable() async throws {
        let closedPort = try await withServer { $0.port }
        let run = try await chatctl(["admin", "rooms", "--url", "http://127.0.0.1:\(closedPort)", "--token", "x"])
        XCTAssertEqual(run.status, 3)
        XCTAssertTrue(run.stderr.contains("cannot connect to http://127.0.0.1:\(closedPort)/admin/rooms"), run.stderr)
    }

    // MARK: helpers

    /// Runs the built chatctl with `arguments`; CHAT_ADMIN_TOKEN is empty unless `environment` sets it, so
    /// the test's own environment cannot leak a token.
    private func chatctl(
        _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(
            try RepositoryPaths.binary("chatctl"), arguments,
            environment: ["CHAT_ADMIN_TOKEN": ""].merging(environment) { $1 })
        let status = try await child.wait(timeout: .seconds(30))
        return (status, child.stdout, child.stderr)
    }
}
