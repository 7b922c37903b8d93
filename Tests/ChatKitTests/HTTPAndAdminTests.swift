import ChatKit
import Foundation
import XCTest

/// Health, readiness, the admin API and handshake validation, over real HTTP on the server's port.
final class HTTPAndAdminTests: XCTestCase {
    func testHealthAndReadiness() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            _ = alice
            let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.status, 200)
            XCTAssertEqual(health.headers["content-type"], "application/json; charset=utf-8")
            XCTAssertEqual(health.json["status"] as? String, "ok")
            XCTAssertEqual(health.json["connections"] as? Int, 1)
            XCTAssertEqual(health.json["rooms"] as? Int, 1)
            XCTAssertNotNil(health.json["uptimeSeconds"] as? Double)

            let ready = try await httpRequest(port: server.port, method: "GET", path: "/readyz")
            XCTAssertEqual(ready.status, 200)
            XCTAssertEqual(ready.json["status"] as? String, "ready")

            let notFound = try await httpRequest(port: server.port, method: "GET", path: "/nope")
            XCTAssertEqual(notFound.status, 404)
            XCTAssertEqual(notFound.json["error"] as? String, "not_found")

            let wrongMethod = try await httpRequest(port: server.port, method: "POST", path: "/healthz", body: "{}")
            XCTAssertEqual(wrongMethod.status, 405)
            XCTAssertEqual(wrongMethod.headers["allow"], "GET")
            XCTAssertEqual(wrongMethod.json["error"] as? String, "method_not_allowed")
        }
    }

    func testAdminIsDisabledWithoutAToken() async throws {
        try await withServer { server in
            let response = try await httpRequest(
                port: server.port, method: "GET", path: "/admin/stats", headers: ["Authorization: Bearer x"])
            XCTAssertEqual(response.status, 404)
            XCTAssertEqual(response.json["error"] as? String, "admin_disabled")
        }
    }

    func testAdminAPI() async throws {
        try await withServer({ $0.adminToken = "s3cret" }) { server in
            let auth = ["Authorization: Bearer s3cret"]
            for headers in [[], ["Authorization: Bearer wrong"], ["Authorization: Basic czNjcmV0"]] {
                let response = try await httpRequest(port: server.port, method: "GET", path: "/admin/rooms", headers: headers)
                XCTAssertEqual(response.status, 401, "\(headers)")
                XCTAssertEqual(response.json["error"] as? String, "unauthorized")
            }

            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "lobby")
            _ = try await alice.next()  // presence bob
            try await bob.join("side")

            let rooms = try await httpRequest(port: server.port, method: "GET", path: "/admin/rooms", headers: auth)
            XCTAssertEqual(rooms.status, 200)
            let roomList = rooms.json["rooms"] as? [[String: Any]] ?? []
            XCTAssertEqual(roomList.map { $0["name"] as? String }, ["lobby", "side"])
            XCTAssertEqual(roomList.map { $0["members"] as? Int }, [2, 1])

            let users = try await httpRequest(port: server.port, method: "GET", path: "/admin/rooms/lobby/users", headers: auth)
            XCTAssertEqual(users.status, 200)
            let userList = users.json["users"] as? [[String: Any]] ?? []
            XCTAssertEqual(userList.map { $0["name"] as? String }, ["alice", "bob"])
            XCTAssertEqual(userList.last?["rooms"] as? [String], ["lobby", "side"])
            XCTAssertTrue((userList.first?["remoteAddress"] as? String ?? "").hasPrefix("127.0.0.1:"))
            XCTAssertNotNil(userList.first?["connectedSince"])
            let noRoom = try await httpRequest(port: server.port, method: "GET", path: "/admin/rooms/ghost/users", headers: auth)
            XCTAssertEqual(noRoom.status, 404)

            // Announcements are room messages with their own seq.
            let announce = try await httpRequest(
                port: server.port, method: "POST", path: "/admin/rooms/lobby/messages", headers: auth,
                body: #"{"content":"maintenance at noon"}"#)
            XCTAssertEqual(announce.status, 201)
            XCTAssertEqual(announce.json["seq"] as? Int, 1)
            for member in [alice, bob] {
                guard case .message(let message) = try await member.next() else { return XCTFail("\(member.name)") }
                XCTAssertEqual(message.from, "@system")
                XCTAssertEqual(message.content, "maintenance at noon")
                XCTAssertEqual(message.seq, 1)
            }
            let badBody = try await httpRequest(
                port: server.port, method: "POST", path: "/admin/rooms/lobby/messages", headers: auth, body: "{nope")
            XCTAssertEqual(badBody.status, 400)
            XCTAssertEqual(badBody.json["error"] as? String, "bad_json")
            let wrongMethod = try await httpRequest(
                port: server.port, method: "GET", path: "/admin/rooms/lobby/messages", headers: auth)
            XCTAssertEqual(wrongMethod.status, 405)

            let stats = try await httpRequest(port: server.port, method: "GET", path: "/admin/stats", headers: auth)
            XCTAssertEqual(stats.status, 200)
            XCTAssertEqual(stats.json["connectionsCurrent"] as? Int, 2)
            XCTAssertEqual(stats.json["connectionsTotal"] as? Int, 2)
            XCTAssertEqual(stats.json["messagesIn"] as? Int, 1)  // bob's join
            XCTAssertGreaterThan(stats.json["messagesOut"] as? Int ?? 0, 5)
            XCTAssertGreaterThan(stats.json["bytesOut"] as? Int ?? 0, 100)
            XCTAssertEqual(stats.json["slowConsumersDropped"] as? Int, 0)

            // Kick: the user is closed with 1008 and the reason; the room sees it leave.
            let kick = try await httpRequest(
                port: server.port, method: "DELETE", path: "/admin/users/bob?reason=spamming", headers: auth)
            XCTAssertEqual(kick.status, 200)
            let (code, reason) = try await bob.closed()
            XCTAssertEqual(code, 1008)
            XCTAssertEqual(reason, "spamming")
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))
            let kickAgain = try await httpRequest(port: server.port, method: "DELETE", path: "/admin/users/bob", headers: auth)
            XCTAssertEqual(kickAgain.status, 404)
            XCTAssertEqual(kickAgain.json["error"] as? String, "unknown_user")

            let unknown = try await httpRequest(port: server.port, method: "GET", path: "/admin/nothing", headers: auth)
            XCTAssertEqual(unknown.status, 404)
        }
    }

    func testHandshakeValidation() async throws {
        try await withServer { server in
            let cases: [(headers: [String], status: Int, code: String)] = [
                (["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13"], 400, "bad_handshake"),
                (["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 8",
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="], 400, "bad_handshake"),
                (["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                  "Sec-WebSocket-Key: c2hvcnQ="], 400, "bad_handshake"),
                ([], 426, "upgrade_required"),
            ]
            for (headers, status, code) in cases {
                let response = try await httpRequest(port: server.port, method: "GET", path: "/ws?name=x", headers: headers)
                XCTAssertEqual(response.status, status, "\(headers)")
                XCTAssertEqual(response.json["error"] as? String, code, "\(headers)")
            }
            // Malformed HTTP gets 400 and the server stays up.
            let garbage = try await RawTCPClient.connect(port: server.port)
            try await garbage.write("NOT HTTP AT ALL\r\n\r\n")
            try await garbage.channel.closeFuture.get()
            let malformed = try parseHTTPResponse(garbage.text)
            XCTAssertEqual(malformed.status, 400, garbage.text)
            XCTAssertEqual(malformed.json["error"] as? String, "bad_request")
            // Headers past the parser's limit (80 KiB) get 431, not unbounded buffering.
            let huge = try await RawTCPClient.connect(port: server.port)
            try await huge.write("GET /ws?name=big HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n")
            try await huge.channel.closeFuture.get()
            let tooLarge = try parseHTTPResponse(huge.text)
            XCTAssertEqual(tooLarge.status, 431, huge.text)
            XCTAssertEqual(tooLarge.json["error"] as? String, "headers_too_large")
            let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.status, 200)
        }
    }

    func testHandshakeThatNeverCompletesIsDropped() async throws {
        try await withServer({ $0.handshakeTimeout = .milliseconds(300) }) { server in
            let slow = try await RawTCPClient.connect(port: server.port)
            try await slow.write("GET /ws?name=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n")
            let started = ContinuousClock.now
            try await slow.channel.closeFuture.get()
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
            XCTAssertFalse(server.hub.isNameTaken("slow"))
        }
    }

    func testGracefulShutdownSends1001() async throws {
        let server = try await ChatServer.start(configuration: ServerConfiguration(port: 0, threads: 1))
        let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
        let bob = try await ChatTestClient.connect(server, name: "bob")
        try await server.shutdown()
        for client in [alice, bob] {
            let (code, reason) = try await client.closed()
            XCTAssertEqual(code, 1001, client.name)
            XCTAssertEqual(reason, "server shutting down")
        }
        do {
            _ = try await WebSocketClient.connect(to: "\(server.url)?name=late")
            XCTFail("connected after shutdown")
        } catch let error as WebSocketClientError {
            guard case .unreachable = error else { return XCTFail("\(error)") }
        }
    }
}
