import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import NIOCore
import XCTest

/// Driving a plain broadcast server (chatserver --mode broadcast, like gorilla's chat example) with
/// `--protocol raw`: delivery and latency come from markers in the payload.
final class RawProtocolTests: XCTestCase {
    func testBroadcastModeSendsEveryTextFrameToEveryone() async throws {
        try await withServer({ $0.mode = .broadcast }) { server in
            let a = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)/")
            let b = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)/any/path")
            try await eventually("both connected") { server.stats.snapshot.connectionsCurrent == 2 }
            var aEvents = a.events.makeAsyncIterator()
            var bEvents = b.events.makeAsyncIterator()
            try a.send(text: "hello everyone")
            let toA = await aEvents.next()
            let toB = await bEvents.next()
            XCTAssertEqual(toA, .text("hello everyone"))
            XCTAssertEqual(toB, .text("hello everyone"))
        }
    }

    func testEchoModeEchoesTextAndBinary() async throws {
        try await withServer({ $0.mode = .echo }) { server in
            let client = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(server.port)/echo")
            var events = client.events.makeAsyncIterator()
            try client.send(text: "ping")
            try client.send(binary: ByteBuffer(bytes: [9, 8, 7]))
            let text = await events.next()
            let binary = await events.next()
            XCTAssertEqual(text, .text("ping"))
            XCTAssertEqual(binary, .binary(ByteBuffer(bytes: [9, 8, 7])))
        }
    }

    /// A peer that sends but never reads fills its echo queue: it is closed as a slow consumer (1008), not
    /// left open with echoes silently missing.
    func testEchoModeClosesAPeerThatDoesNotReadItsEchoes() async throws {
        try await withServer({
            $0.mode = .echo
            $0.webSocket.sendQueueLimit = 4
        }) { server in
            let stuck = try await RawTCPClient.connect(port: server.port, autoRead: false, receiveBufferBytes: 4096)
            try await stuck.sendUpgrade(target: "/echo")
            let payload = [UInt8](repeating: 0x2A, count: 32 * 1024)
            let frame = RawTCPClient.frame(opcode: 0x2, payload: payload)
            for _ in 0..<400 where server.stats.snapshot.slowConsumersDropped == 0 {
                try await stuck.write(frame)
            }
            try await eventually("the stuck peer is dropped") { server.stats.snapshot.slowConsumersDropped == 1 }
            await stuck.close()
        }
    }

    func testRawRunCountsEveryBroadcastCopy() async throws {
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"raw","protocol":"raw","groups":[{"name":"g","count":6}],
             "phases":[{"type":"rampUp","duration":"100ms"},
                       {"type":"arrivals","duration":"1s","rate":"100/s","action":"say","size":80}],
             "thresholds":{"delivery.lost":"== 0","delivery.duplicated":"== 0"}}
            """#.utf8))
        try await withServer({ $0.mode = .broadcast }) { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            XCTAssertEqual(report.counters["sends.total"], 100)
            XCTAssertEqual(report.counters["delivery.expected"], 600)  // 100 messages × 6 connections
            XCTAssertEqual(report.counters["delivery.received"], 600)
            XCTAssertEqual(report.latency["echo"]?.count, 100)
            XCTAssertEqual(report.latency["broadcast"]?.count, 500)
            XCTAssertTrue(report.passed, report.summaryText())
        }
    }

    func testSendAndListenSpeakRaw() async throws {
        try await withServer({ $0.mode = .broadcast }) { server in
            let chatctl = try RepositoryPaths.binary("chatctl")
            let listener = try ChildProcess(chatctl, ["listen", "--protocol", "raw", "--count", "2", "--timeout", "30", server.url])
            try await eventually("listener connected") { server.stats.snapshot.connectionsCurrent == 1 }
            let sender = try ChildProcess(chatctl, ["send", "--protocol", "raw", server.url])
            sender.write("plain one\nplain two\n")
            sender.closeStdin()
            let sendStatus = try await sender.wait()
            XCTAssertEqual(sendStatus, 0, sender.stderr)
            let listenStatus = try await listener.wait()
            XCTAssertEqual(listenStatus, 0, listener.stderr)
            XCTAssertEqual(listener.stdout, "plain one\nplain two\n")
        }
    }
}
