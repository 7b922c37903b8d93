import ChatKit
import Foundation
import XCTest

/// Every WebSocket upgrade answered with an HTTP error instead of 101 is counted by its error code, in
/// `/admin/stats` (`upgradesRefused`) and `/metrics` (`chat_upgrades_refused_total{code}`), so operators see
/// attacks and misconfigured clients; plain HTTP requests are not counted.
final class RefusedUpgradeCountTests: XCTestCase {
    private func upgrade(_ port: Int, target: String, headers: [String] = []) async throws -> HTTPTestResponse {
        let client = try await RawTCPClient.connect(port: port)
        try await client.sendUpgrade(target: target, headers: headers)
        // A whole response: its head, and as much body as its Content-Length says (a refusal may keep the
        // connection open).
        try await eventually("a refusal or a 101 for \(target)") {
            guard let response = try? parseHTTPResponse(client.text) else { return false }
            return response.body.utf8.count >= Int(response.headers["content-length"] ?? "0") ?? 0
        }
        await client.close()
        return try parseHTTPResponse(client.text)
    }

    func testRefusedUpgradesAreCountedByCodeAndPlainRequestsAreNot() async throws {
        try await withServer({
            $0.maxConnections = 1
            $0.adminToken = "t"
        }) { server in
            let alice = try await ChatTestClient.connect(server, name: "alice")
            let full = try await self.upgrade(server.port, target: "/ws?name=bob")
            XCTAssertEqual(full.status, 503, full.body)
            let taken = try await self.upgrade(server.port, target: "/ws?name=ALICE")
            XCTAssertEqual(taken.status, 409, taken.body)
            let invalid = try await self.upgrade(server.port, target: "/ws?name=%E2%80%8B")
            XCTAssertEqual(invalid.status, 400, invalid.body)
            let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.status, 200)

            let counts = try XCTUnwrap(server.stats.snapshot.upgradesRefused)
            XCTAssertEqual(
                counts,
                [
                    "too_many_connections": 1, "name_taken": 1,
                    try XCTUnwrap(invalid.json["error"] as? String): 1,
                ])
            let stats = try await httpRequest(
                port: server.port, method: "GET", path: "/admin/stats", headers: ["Authorization: Bearer t"])
            XCTAssertEqual((stats.json["upgradesRefused"] as? [String: Int])?["too_many_connections"], 1, stats.body)
            let metrics = try PrometheusExposition.parse(
                try await httpRequest(port: server.port, method: "GET", path: "/metrics").body)
            XCTAssertEqual(metrics.value("chat_upgrades_refused_total", ["code": "too_many_connections"]), 1)
            XCTAssertEqual(metrics.value("chat_upgrades_refused_total", ["code": "name_taken"]), 1)
            await alice.close()
        }
    }
}
