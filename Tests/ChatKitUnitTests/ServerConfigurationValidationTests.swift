import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import NIOCore
import XCTest

/// The library checks a server's configuration itself (not only chatserver's flags): each bad value is refused
/// naming its field, and `ChatServer.start` refuses it before binding anything.
final class ServerConfigurationValidationTests: XCTestCase {
    func testEachBadValueIsRefusedNamingItsField() throws {
        let redis = try RedisURL("redis://127.0.0.1:6379")
        let cases: [(String, (inout ServerConfiguration) -> Void)] = [
            ("port", { $0.port = 70000 }),
            ("historySize", { $0.historySize = -1 }),
            ("historyMaxAge", { $0.historyMaxAge = .seconds(-1) }),
            ("maxContentBytes", { $0.maxContentBytes = 0 }),
            ("maxIDBytes", { $0.maxIDBytes = 0 }),
            ("maxRoomsPerConnection", { $0.maxRoomsPerConnection = 0 }),
            ("maxRooms", { $0.maxRooms = 0 }),
            ("usersPageSize", { $0.usersPageSize = 0 }),
            ("rateLimitPerSecond", { $0.rateLimitPerSecond = .infinity }),
            ("rateLimitBurst", { $0.rateLimitBurst = 0 }),
            ("maxConnections", { $0.maxConnections = -1 }),
            ("maxConnectionsPerIP", { $0.maxConnectionsPerIP = -5 }),
            ("joinRatePerConnection", { $0.joinRatePerConnection = RateLimit(perSecond: 0, burst: 10) }),
            ("handshakeRatePerIP", { $0.handshakeRatePerIP = RateLimit(perSecond: 5, burst: 0) }),
            ("webSocket.maxMessageBytes", { $0.webSocket.maxMessageBytes = 100 }),
            ("webSocket.sendQueueBytes", { $0.webSocket.sendQueueBytes = 10 }),
            ("webSocket.deadPeerTimeout", { $0.webSocket.deadPeerTimeout = .seconds(30) }),
            ("threads", { $0.threads = 0 }),
            ("memoryTrimInterval", { $0.memoryTrimInterval = .zero }),
            ("metricsAccess", { $0.metricsAccess = .token }),
            ("cluster", {
                $0.mode = .echo
                $0.cluster = ClusterConfiguration(redis: redis, nodeID: "a")
            }),
        ]
        for (field, breakIt) in cases {
            var configuration = ServerConfiguration(port: 0)
            breakIt(&configuration)
            XCTAssertThrowsError(try configuration.validate(), field) { error in
                XCTAssertEqual((error as? ServerConfigurationError)?.field, field, "\(error)")
            }
        }
        XCTAssertNoThrow(try ServerConfiguration(port: 0).validate(), "the defaults are valid")
    }

    func testStartRefusesABadConfigurationBeforeBinding() async throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.historySize = -3
        do {
            _ = try await ChatServer.start(configuration: configuration)
            XCTFail("a server started with historySize -3")
        } catch let error as ServerConfigurationError {
            XCTAssertEqual(error.description, "historySize must be 0 or more, got -3")
        }
    }
}
