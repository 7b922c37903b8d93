import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import Foundation
import NIOCore
import XCTest

/// `--max-connections`, `--max-connections-per-ip` and `--handshake-rate-per-ip`: past a limit an upgrade is refused
/// (503 or 429, with a JSON reason naming the limit) before it is upgraded, plain HTTP is still answered, and a place
/// comes back when a connection closes.
final class ConnectionLimitTests: XCTestCase {
    /// Sends an upgrade for `name` from `source` and returns the answer's head and body: the refusal (the server
    /// closes) or the 101 (this side closes at once unless `keep`).
    private func upgrade(
        _ server: ChatServer, name: String, from source: String? = nil
    ) async throws -> (response: HTTPTestResponse, client: RawTCPClient) {
        let client = try await RawTCPClient.connect(port: server.port, from: source)
        try await client.sendUpgrade(target: "/ws?name=\(name)")
        try await eventually("a refusal or a 101 for \(name)") {
            !client.isOpen || client.text.hasPrefix("HTTP/1.1 101") && client.text.contains("\r\n\r\n")
        }
        return (try parseHTTPResponse(client.text), client)
    }

    private func assertRefused(
        _ response: HTTPTestResponse, status: Int, code: String, naming limit: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(response.status, status, response.body, file: file, line: line)
        XCTAssertEqual(response.json["error"] as? String, code, response.body, file: file, line: line)
        let message = response.json["message"] as? String ?? ""
        XCTAssertTrue(message.contains(limit), "\(message) does not name \(limit)", file: file, line: line)
        XCTAssertNotNil(response.headers["retry-after"], "no Retry-After", file: file, line: line)
    }

    func testMaxConnectionsRefusesWith503BeforeTheUpgradeAndAClosedConnectionFreesItsPlace() async throws {
        try await withServer({ $0.maxConnections = 3 }) { server in
            var clients: [ChatTestClient] = []
            for index in 0..<3 { clients.append(try await ChatTestClient.connect(server, name: "c\(index)")) }
            XCTAssertEqual(server.admission.openConnections, 3)

            let (refused, _) = try await self.upgrade(server, name: "late")
            self.assertRefused(refused, status: 503, code: "too_many_connections", naming: "3 WebSocket connections")
            XCTAssertTrue((refused.json["message"] as? String ?? "").contains("try again later"), refused.body)
            XCTAssertFalse(server.hub.isNameTaken("late"), "a refused upgrade reserved its name")
            XCTAssertEqual(server.admission.openConnections, 3)
            let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.status, 200)
            XCTAssertEqual(health.json["connections"] as? Int, 3)

            // A closed connection gives its place back: the next upgrade is taken.
            await clients.removeFirst().close()
            try await eventually("the closed connection's place given back") { server.admission.openConnections == 2 }
            let (accepted, client) = try await self.upgrade(server, name: "late")
            XCTAssertEqual(accepted.status, 101, accepted.body)
            await client.close()
            for client in clients { await client.close() }
            try await eventually("every place given back") { server.admission.openConnections == 0 }
            XCTAssertEqual(server.admission.trackedAddresses, 0, "no limit per address: no entries per address")
        }
    }

    func testMaxConnectionsPerIPRefusesOnlyThatAddressAndForgetsItWhenItsConnectionsClose() async throws {
        try await withServer({ $0.maxConnectionsPerIP = 2 }) { server in
            let first = try await ChatTestClient.connect(server, name: "first")
            let second = try await ChatTestClient.connect(server, name: "second")
            let (refused, _) = try await self.upgrade(server, name: "third")
            self.assertRefused(
                refused, status: 503, code: "too_many_connections_from_ip", naming: "maximum of 2 WebSocket connections")
            XCTAssertTrue((refused.json["message"] as? String ?? "").contains("127.0.0.1"), refused.body)
            XCTAssertTrue((refused.json["message"] as? String ?? "").contains("the most one address may have"), refused.body)
            XCTAssertFalse(server.hub.isNameTaken("third"))

            // Another address is not affected, and plain HTTP from the full one is still answered.
            let (other, otherClient) = try await self.upgrade(server, name: "elsewhere", from: "127.0.0.2")
            XCTAssertEqual(other.status, 101, other.body)
            let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.status, 200)
            XCTAssertEqual(server.admission.trackedAddresses, 2)

            await first.close()
            try await eventually("127.0.0.1 has a place again") { server.admission.openConnections == 2 }
            let (accepted, client) = try await self.upgrade(server, name: "third")
            XCTAssertEqual(accepted.status, 101, accepted.body)

            // Entries go when their last connection closes: none is left behind.
            await client.close()
            await second.close()
            await otherClient.close()
            try await eventually("every address forgotten") {
                server.admission.openConnections == 0 && server.admission.trackedAddresses == 0
            }
        }
    }

    func testHandshakeRatePerIPRefusesWith429AndRetryAfter() async throws {
        // One token per 100 s: however slow the machine, none comes back during the test.
        try await withServer({ $0.handshakeRatePerIP = RateLimit(perSecond: 0.01, burst: 3) }) { server in
            var clients: [RawTCPClient] = []
            for index in 0..<3 {
                let (accepted, client) = try await self.upgrade(server, name: "h\(index)")
                XCTAssertEqual(accepted.status, 101, accepted.body)
                clients.append(client)
            }
            // Closing connections gives no handshake back: the bucket is per address, not per connection.
            for client in clients { await client.close() }
            try await eventually("the connections closed") { server.admission.openConnections == 0 }
            let (refused, _) = try await self.upgrade(server, name: "h3")
            self.assertRefused(refused, status: 429, code: "handshake_rate_limited", naming: "0.01/s (burst 3)")
            XCTAssertEqual(refused.headers["retry-after"], "100")
            XCTAssertTrue((refused.json["message"] as? String ?? "").contains("per address"), refused.body)
            XCTAssertFalse(server.hub.isNameTaken("h3"))
            // The refilling bucket is kept while no connection is open, so closing and retrying does not reset it.
            XCTAssertEqual(server.admission.trackedAddresses, 1)

            let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
            XCTAssertEqual(health.status, 200)
            let (other, otherClient) = try await self.upgrade(server, name: "elsewhere", from: "127.0.0.3")
            XCTAssertEqual(other.status, 101, other.body)
            await otherClient.close()
        }
    }

    func testTheDefaultMaxConnectionsKeepsAReserveOfTheOpenFilesLimit() {
        XCTAssertEqual(ServerConfiguration.maxConnections(forOpenFilesLimit: 20_000), 18_976)
        // A common default soft limit: most of it still goes to WebSockets.
        XCTAssertEqual(ServerConfiguration.maxConnections(forOpenFilesLimit: 1024), 896)
        XCTAssertEqual(ServerConfiguration.maxConnections(forOpenFilesLimit: 48), 42)
        XCTAssertEqual(ServerConfiguration.maxConnections(forOpenFilesLimit: 1_048_576), 1_047_552)
        // This machine's limit holds 10 000 connections (bench, soak) with room to spare.
        XCTAssertGreaterThan(ServerConfiguration().maxConnections, 10_000)
    }

    func testAnIdleAddressIsForgottenOnceItsBucketsRefill() {
        let admission = ConnectionAdmission(configuration: ServerConfiguration(
            handshakeRatePerIP: RateLimit(perSecond: 10, burst: 2), joinRatePerIP: RateLimit(perSecond: 10, burst: 2)))
        let start = NIODeadline.now()
        for index in 0..<50 {
            guard case .success(let ticket) = admission.admit(from: "10.0.0.\(index)", now: start) else {
                return XCTFail("address \(index) refused")
            }
            XCTAssertTrue(admission.allowsJoin(from: "10.0.0.\(index)", now: start))
            ticket.release()
            ticket.release()  // a second release gives nothing back twice
        }
        XCTAssertEqual(admission.openConnections, 0)
        // Their buckets are still refilling: the entries stay, so reconnecting does not reset a limit.
        XCTAssertEqual(admission.trackedAddresses, 50)
        // A second later every bucket is full again: the next handshake's sweep forgets them all.
        guard case .success(let ticket) = admission.admit(from: "10.0.1.1", now: start + .seconds(1)) else {
            return XCTFail("refused")
        }
        XCTAssertEqual(admission.trackedAddresses, 1)
        ticket.release()
        XCTAssertEqual(admission.trackedAddresses, 1, "its handshake bucket still refills")
    }
}
