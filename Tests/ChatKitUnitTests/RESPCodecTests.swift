import ChatKitTestSupport
import NIOCore
import NIOEmbedded
import XCTest

import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket

/// The RESP2/RESP3 decoder and encoder in memory: every type, partial input, bad input.
final class RESPCodecTests: XCTestCase {
    private func decodeAll(_ chunks: [String]) throws -> [RESPValue] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RESPDecoder()))
        var values: [RESPValue] = []
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(string: chunk))
            while let value = try channel.readInbound(as: RESPValue.self) { values.append(value) }
        }
        XCTAssertTrue(try channel.finish().isClean)
        return values
    }

    private func decode(_ text: String) throws -> RESPValue {
        let values = try self.decodeAll([text])
        XCTAssertEqual(values.count, 1, "\(values)")
        return try XCTUnwrap(values.first)
    }

    func testRESP2Types() throws {
        XCTAssertEqual(try self.decode("+OK\r\n"), .simpleString("OK"))
        XCTAssertEqual(try self.decode("-ERR unknown command\r\n"), .error("ERR unknown command"))
        XCTAssertEqual(try self.decode(":-42\r\n"), .integer(-42))
        XCTAssertEqual(try self.decode("$5\r\nhello\r\n"), .bulk("hello"))
        XCTAssertEqual(try self.decode("$0\r\n\r\n"), .bulk(""))
        XCTAssertEqual(try self.decode("$-1\r\n"), .null)
        XCTAssertEqual(try self.decode("*-1\r\n"), .null)
        XCTAssertEqual(try self.decode("*0\r\n"), .array([]))
        XCTAssertEqual(
            try self.decode("*3\r\n$7\r\nmessage\r\n$4\r\nroom\r\n$6\r\na\r\nb\u{e9}\r\n"),
            .array([.bulk("message"), .bulk("room"), .bulk("a\r\nbé")]))
        XCTAssertEqual(
            try self.decode("*2\r\n*1\r\n:1\r\n$-1\r\n"), .array([.array([.integer(1)]), .null]))
    }

    func testRESP3Types() throws {
        XCTAssertEqual(try self.decode("_\r\n"), .null)
        XCTAssertEqual(try self.decode("#t\r\n"), .boolean(true))
        XCTAssertEqual(try self.decode("#f\r\n"), .boolean(false))
        XCTAssertEqual(try self.decode(",3.25\r\n"), .double(3.25))
        XCTAssertEqual(try self.decode(",-inf\r\n"), .double(-.infinity))
        guard case .double(let nan) = try self.decode(",nan\r\n") else { return XCTFail("nan") }
        XCTAssertTrue(nan.isNaN)
        XCTAssertEqual(
            try self.decode("(3492890328409238509324850943850943825024385\r\n"),
            .bigNumber("3492890328409238509324850943850943825024385"))
        XCTAssertEqual(try self.decode("!21\r\nSYNTAX invalid syntax\r\n"), .error("SYNTAX invalid syntax"))
        XCTAssertEqual(
            try self.decode("=15\r\ntxt:Some string\r\n"), .verbatimString(format: "txt", text: "Some string"))
        XCTAssertEqual(
            try self.decode("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n"),
            .map([
                RESPPair(key: .simpleString("first"), value: .integer(1)),
                RESPPair(key: .simpleString("second"), value: .integer(2)),
            ]))
        XCTAssertEqual(try self.decode("~2\r\n+a\r\n+b\r\n"), .set([.simpleString("a"), .simpleString("b")]))
        XCTAssertEqual(
            try self.decode(">3\r\n$7\r\nmessage\r\n$4\r\nroom\r\n$2\r\nhi\r\n"),
            .push([.bulk("message"), .bulk("room"), .bulk("hi")]))
    }

    func testAttributesAreSkippedAndTheValueAfterThemIsReturned() throws {
        let values = try self.decodeAll([
            "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
            "+next\r\n",
        ])
        XCTAssertEqual(values, [.array([.integer(2_039_123), .integer(9_543_892)]), .simpleString("next")])
    }

    func testValuesSplitAcrossReadsAndSeveralInOneRead() throws {
        let whole = "*2\r\n$5\r\nhello\r\n:7\r\n+OK\r\n$3\r\nabc\r\n"
        // Every split point: the decoder must wait for the rest and never lose or repeat bytes.
        for split in 1..<whole.utf8.count {
            let bytes = Array(whole.utf8)
            let first = String(decoding: bytes[..<split], as: UTF8.self)
            let second = String(decoding: bytes[split...], as: UTF8.self)
            XCTAssertEqual(
                try self.decodeAll([first, second]),
                [.array([.bulk("hello"), .integer(7)]), .simpleString("OK"), .bulk("abc")], "split at \(split)")
        }
    }

    func testMalformedInputIsAnError() {
        for bad in ["?what\r\n", ":12x\r\n", "$3\r\nabcd\r\n", "#x\r\n", "+OK\rX", "$-5\r\n", "_x\r\n"] {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(RESPDecoder()))
            XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(string: bad)), bad)
            _ = try? channel.finish()
        }
        let deep = String(repeating: "*1\r\n", count: 100) + ":1\r\n"
        var buffer = ByteBuffer(string: deep)
        XCTAssertThrowsError(try RESPParser.parse(&buffer))
    }

    func testEncoderRoundTrips() throws {
        let values: [RESPValue] = [
            .command(["SET", "key", "välue"]), .simpleString("OK"), .error("ERR x"), .integer(Int64.min), .null,
            .bulk(""), .array([]), .boolean(true), .double(1.5), .bigNumber("-123456789012345678901234567890"),
            .verbatimString(format: "txt", text: "hi"), .set([.integer(1)]), .push([.bulk("message")]),
            .map([RESPPair(key: .bulk("k"), value: .array([.null, .integer(2)]))]),
        ]
        let channel = EmbeddedChannel(handler: MessageToByteHandler(RESPEncoder()))
        var bytes = ByteBuffer()
        for value in values {
            try channel.writeOutbound(value)
            var chunk = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self))
            bytes.writeBuffer(&chunk)
        }
        var decoded: [RESPValue] = []
        while let value = try RESPParser.parse(&bytes) { decoded.append(value) }
        XCTAssertEqual(decoded, values)
        var command = ByteBuffer()
        RESPEncoder.write(.command(["GET", "k"]), to: &command)
        XCTAssertEqual(String(buffer: command), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
    }

    func testCommandHandlerMatchesRepliesInOrderAndRoutesPushes() throws {
        let pushes = PushCollector()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(RESPDecoder()), MessageToByteHandler(RESPEncoder()),
            RedisCommandHandler(isSubscriber: true, onPush: { pushes.append($0) }),
        ])
        let first = channel.eventLoop.makePromise(of: RESPValue.self)
        let second = channel.eventLoop.makePromise(of: RESPValue.self)
        let third = channel.eventLoop.makePromise(of: RESPValue.self)
        channel.write(RedisCommand(value: .command(["SUBSCRIBE", "a"]), promise: first), promise: nil)
        channel.write(RedisCommand(value: .command(["GET", "x"]), promise: second), promise: nil)
        channel.writeAndFlush(RedisCommand(value: .command(["PING"]), promise: third), promise: nil)
        try channel.writeInbound(
            ByteBuffer(
                string:
                    "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n-ERR nope\r\n"
                    + ">2\r\n$10\r\ninvalidate\r\n*0\r\n"))
        XCTAssertEqual(try first.futureResult.wait(), .array([.bulk("subscribe"), .bulk("a"), .integer(1)]))
        XCTAssertThrowsError(try second.futureResult.wait()) { XCTAssertEqual($0 as? RedisError, .server("ERR nope")) }
        XCTAssertEqual(
            pushes.values,
            [.array([.bulk("message"), .bulk("a"), .bulk("hi")]), .push([.bulk("invalidate"), .array([])])])
        // The connection ends: the command still waiting fails.
        _ = try? channel.finish()
        XCTAssertThrowsError(try third.futureResult.wait()) { XCTAssertEqual($0 as? RedisError, .connectionClosed) }
    }

    func testRedisURLs() throws {
        XCTAssertEqual(try RedisURL("redis://127.0.0.1:6380/2").description, "redis://127.0.0.1:6380/2")
        XCTAssertEqual(try RedisURL("redis://redis").port, 6379)
        XCTAssertEqual(try RedisURL("redis://[::1]:7000").host, "::1")
        for bad in ["http://x", "redis://", "redis://h:0", "redis://h:x", "redis://u:p@h", "redis://h/x"] {
            XCTAssertThrowsError(try RedisURL(bad), bad)
        }
        let configuration = RedisClientConfiguration(initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))
        XCTAssertEqual(
            (0..<6).map { configuration.backoff(attempt: $0) },
            [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        XCTAssertEqual(configuration.backoff(attempt: 10_000), .seconds(1))
    }
}

/// Pushes seen by a command handler, from any thread.
final class PushCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [RESPValue] = []
    func append(_ value: RESPValue) { self.lock.withLock { self.collected.append(value) } }
    var values: [RESPValue] { self.lock.withLock { self.collected } }
}
