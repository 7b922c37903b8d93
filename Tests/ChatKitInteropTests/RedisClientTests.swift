import ChatKit
import ChatKitTestSupport
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import XCTest

/// The Redis client against a real redis-server: commands, pipelining, pub/sub, and recovery after Redis
/// restarts.
final class RedisClientTests: XCTestCase {
    func testCommandsAndAPipelineOfAThousand() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connection = try await RedisConnection.connect(to: try RedisURL(redis.url + "/3"), group: group)
        let set = try await connection.send(["SET", "greeting", "héllo"]).get()
        XCTAssertEqual(set, .simpleString("OK"))
        let get = try await connection.send(["GET", "greeting"]).get()
        XCTAssertEqual(get.string, "héllo")
        let missing = try await connection.send(["GET", "missing"]).get()
        XCTAssertEqual(missing, .null)
        do {
            _ = try await connection.send(["NOSUCHCOMMAND"]).get()
            XCTFail("an unknown command succeeded")
        } catch let error as RedisError {
            XCTAssertTrue(error.isServerError, "\(error)")
        }
        // A thousand INCRs written back to back: every reply matches its command.
        let replies = try await connection.pipeline((0..<1000).map { _ in ["INCR", "counter"] }).get()
        XCTAssertEqual(replies.map { $0.integer }, (1...1000).map { Int64($0) })
        // The database in the URL was selected.
        let size = try await connection.send(["DBSIZE"]).get()
        XCTAssertEqual(size.integer, 2)
        connection.close()
        try await connection.closeFuture.get()
        do {
            _ = try await connection.send(["PING"]).get()
            XCTFail("sent on a closed connection")
        } catch {}
        try await group.shutdownGracefully()
    }

    func testPubSubAndRecoveryAfterARedisRestart() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let received = NIOLockedValueBox<[String]>([])
        let states = NIOLockedValueBox<[Bool]>([])
        let client = RedisClient(
            url: try RedisURL(redis.url), group: group,
            configuration: RedisClientConfiguration(commandTimeout: .seconds(2), maxBackoff: .milliseconds(400)),
            onMessage: { channel, payload in
                received.withLockedValue { $0.append("\(channel):\(String(buffer: payload))") }
            },
            onStateChange: { up in states.withLockedValue { $0.append(up) } })
        client.subscribe("news")
        client.start()
        try await eventually("the client to connect") { client.isConnected }
        try await client.subscribe("sport").get()
        for index in 0..<50 {
            _ = try await client.send(["PUBLISH", index % 2 == 0 ? "news" : "sport", "m\(index)"]).get()
        }
        try await eventually("50 publications") { received.withLockedValue { $0.count } == 50 }
        // Publication order is kept.
        XCTAssertEqual(received.withLockedValue { $0 }, (0..<50).map { "\($0 % 2 == 0 ? "news" : "sport"):m\($0)" })

        // Redis dies: commands fail fast; the client reports down, reconnects and subscribes again.
        try await redis.restart()
        try await eventually("the loss to be noticed and the client to be back") {
            states.withLockedValue { $0.count >= 3 } && client.isConnected
        }
        XCTAssertEqual(states.withLockedValue { Array($0.prefix(3)) }, [true, false, true])
        client.unsubscribe("sport")
        _ = try await client.send(["PUBLISH", "news", "after"]).get()
        let sportListeners = try await client.send(["PUBLISH", "sport", "unheard"]).get()
        XCTAssertEqual(sportListeners.integer, 0)
        try await eventually("the publication after the restart") {
            received.withLockedValue { $0.last } == "news:after"
        }
        await client.shutdown()
        do {
            _ = try await client.send(["PING"]).get()
            XCTFail("sent after shutdown")
        } catch let error as RedisError {
            XCTAssertEqual(error, .unavailable)
        }
        try await group.shutdownGracefully()
    }

    func testATimedOutCommandClosesTheConnection() async throws {
        let redis = try await RedisTestServer()
        defer { Task { await redis.stop() } }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connection = try await RedisConnection.connect(
            to: try RedisURL(redis.url), group: group, commandTimeout: .milliseconds(300))
        let start = ContinuousClock.now
        do {
            _ = try await connection.send(["BLPOP", "nothing", "5"]).get()
            XCTFail("BLPOP returned early")
        } catch let error as RedisError {
            XCTAssertEqual(error, .timeout)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3))
        try await connection.closeFuture.get()
        try await group.shutdownGracefully()
    }
}
