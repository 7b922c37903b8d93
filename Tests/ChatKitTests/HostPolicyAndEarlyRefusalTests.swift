import ChatKit
import Foundation
import XCTest

/// DNS rebinding (`--allowed-hosts`), the bearer scheme in any case, and refusals given before a body is read.
final class HostPolicyAndEarlyRefusalTests: XCTestCase {
    /// Sends `request` as is over a raw connection and returns the response's head and what came of its body by
    /// the time the server closed (or, after a `101`, once the head is in).
    private func exchange(_ port: Int, _ request: String) async throws -> HTTPTestResponse {
        let client = try await RawTCPClient.connect(port: port)
        try await client.write(request)
        try await eventually("a response, then a close or a 101") {
            !client.isOpen || client.text.hasPrefix("HTTP/1.1 101") && client.text.contains("\r\n\r\n")
        }
        await client.close()
        return try parseHTTPResponse(client.text)
    }

    private func get(_ port: Int, path: String = "/healthz", host: String, extra: [String] = []) async throws
        -> HTTPTestResponse
    {
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        for line in extra { request += line + "\r\n" }
        return try await self.exchange(port, request + "\r\n")
    }

    private func upgradeLines(origin: String) -> [String] {
        [
            "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Origin: \(origin)",
        ]
    }

    func testOtherHostsGet421BeforeAnyRouteAndTheRebindingUpgradeIsRefused() async throws {
        try await withServer({ $0.allowedOrigins = ["https://chat.example.com"] }) { server in
            let port = server.port
            for path in ["/healthz", "/", "/admin/stats", "/nowhere"] {
                let response = try await self.get(port, path: path, host: "evil.example:\(port)")
                XCTAssertEqual(response.status, 421, path)
                XCTAssertEqual(response.json["error"] as? String, "misdirected_request", path)
                XCTAssertTrue((response.json["message"] as? String ?? "").contains("allowed hosts"), response.body)
            }
            // The rebinding attack: a page at evil.example, its name pointed at 127.0.0.1, opens a WebSocket.
            let rebound = try await self.get(
                port, path: "/ws?name=mallory", host: "evil.example:\(port)",
                extra: self.upgradeLines(origin: "http://evil.example:\(port)"))
            XCTAssertEqual(rebound.status, 421, rebound.body)
            XCTAssertFalse(server.hub.isNameTaken("mallory"))
            // Loopback names pass, with or without the port, in any case.
            for host in ["127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST", "[::1]:\(port)", "127.0.0.1"] {
                let response = try await self.get(port, host: host)
                XCTAssertEqual(response.status, 200, host)
            }
            // A page of the server's own (allowed) origin may connect.
            let sameOrigin = try await self.get(
                port, path: "/ws?name=page", host: "localhost:\(port)",
                extra: self.upgradeLines(origin: "http://localhost:\(port)"))
            XCTAssertEqual(sameOrigin.status, 101, sameOrigin.body)
        }
    }

    func testAllowedHostsReplaceTheDefaultAndABindElsewhereAllowsAnyHost() async throws {
        try await withServer({ $0.allowedHosts = ["chat.example.com"] }) { server in
            let listed = try await self.get(server.port, host: "chat.example.com:\(server.port)")
            XCTAssertEqual(listed.status, 200)
            let loopback = try await self.get(server.port, host: "127.0.0.1:\(server.port)")
            XCTAssertEqual(loopback.status, 421)
        }
        try await withServer({ $0.host = "0.0.0.0" }) { server in
            let any = try await self.get(server.port, host: "anything.example")
            XCTAssertEqual(any.status, 200)
        }
    }

    func testBearerSchemeIsCaseInsensitive() async throws {
        try await withServer({ $0.adminToken = "secret" }) { server in
            for (authorization, status) in [
                ("Bearer secret", 200), ("bearer secret", 200), ("BEARER secret", 200), ("bearer Secret", 401),
                ("Basic secret", 401),
            ] {
                let response = try await httpRequest(
                    port: server.port, method: "GET", path: "/admin/stats",
                    headers: ["Authorization: \(authorization)"])
                XCTAssertEqual(response.status, status, authorization)
            }
        }
    }

    /// Sends a head announcing `contentLength` bytes and only 4 KiB of them, then waits for the answer.
    private func answerBeforeTheBody(
        _ port: Int, headers: [String], contentLength: Int
    ) async throws -> HTTPTestResponse {
        let client = try await RawTCPClient.connect(port: port)
        var head = "POST /admin/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        head += "Content-Length: \(contentLength)\r\n"
        for line in headers { head += line + "\r\n" }
        try await client.write(head + "\r\n" + String(repeating: "x", count: min(4096, contentLength)))
        try await eventually("an answer before the rest of the body", timeout: .seconds(5)) {
            client.text.contains("\r\n\r\n{")
        }
        let response = try parseHTTPResponse(client.text)
        try await eventually("the server closes", timeout: .seconds(5)) { !client.isOpen }
        return response
    }

    func testOversizedAndUnauthorizedBodiesAreAnsweredBeforeTheyAreRead() async throws {
        try await withServer({ $0.adminToken = "secret" }) { server in
            let hugeLength = 200 * 1024 * 1024
            let tooLarge = try await self.answerBeforeTheBody(
                server.port, headers: ["Authorization: Bearer secret"], contentLength: hugeLength)
            XCTAssertEqual(tooLarge.status, 413)
            XCTAssertEqual(tooLarge.json["error"] as? String, "body_too_large")
            let unauthorized = try await self.answerBeforeTheBody(server.port, headers: [], contentLength: hugeLength)
            XCTAssertEqual(unauthorized.status, 401)
            let wrongToken = try await self.answerBeforeTheBody(
                server.port, headers: ["Authorization: Bearer nope"], contentLength: 1000)
            XCTAssertEqual(wrongToken.status, 401)

            // A chunked body is refused as soon as its running total passes the limit, the end never sent.
            let client = try await RawTCPClient.connect(port: server.port)
            let chunk = String(repeating: "y", count: 70 * 1024)
            try await client.write(
                "POST /admin/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer secret\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + String(chunk.utf8.count, radix: 16) + "\r\n" + chunk
                    + "\r\n")
            try await eventually("413 for the chunked body", timeout: .seconds(5)) { client.text.contains("\r\n\r\n{") }
            XCTAssertEqual(try parseHTTPResponse(client.text).status, 413)
            await client.close()

            // The server still answers everyone else.
            let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.status, 200)
        }
    }
}
