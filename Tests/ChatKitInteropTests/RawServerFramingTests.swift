import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// Raw runs against broadcast servers that frame copies as real ones do (Tests/interop/raw_broadcast_server.py):
/// one joins queued messages into one frame with newlines, like gorilla/websocket's chat example under load, one wraps
/// each text in a JSON envelope. Every copy is counted once: nothing lost, nothing duplicated.
final class RawServerFramingTests: XCTestCase {
    private static let underSanitizer = ProcessInfo.processInfo.environment["CHATKIT_SANITIZER"] != nil

    func testABatchingServerLosesNothing() async throws {
        let users = Self.underSanitizer ? 20 : 50
        let rate = Self.underSanitizer ? 20 : 50
        // A flush every 100 ms puts about rate / 10 messages in every frame.
        let stats = try await self.runRaw(style: "batch", flushMilliseconds: 100, users: users, rate: rate, seconds: 2)
        XCTAssertGreaterThan(stats["batchedFrames"] ?? 0, 0, "the server never put two messages in one frame")
        XCTAssertGreaterThan(stats["lines"] ?? 0, stats["frames"] ?? 0, "not even 1 message a frame on average")
    }

    func testAJSONWrappingServerLosesNothing() async throws {
        let users = Self.underSanitizer ? 10 : 30
        let rate = Self.underSanitizer ? 10 : 30
        let stats = try await self.runRaw(style: "json", users: users, rate: rate, seconds: 2)
        XCTAssertEqual(stats["batchedFrames"], 0)
    }

    /// Runs `users` raw users sending `rate` messages a second in all for `seconds` against the server of `style`,
    /// checks the counts, and returns what the server says it did.
    private func runRaw(
        style: String, flushMilliseconds: Int = 20, users: Int, rate: Int, seconds: Int
    ) async throws -> [String: Int] {
        let server = try ChildProcess(
            try RepositoryPaths.python(),
            [RepositoryPaths.interopScript("raw_broadcast_server.py"), "--style", style,
             "--flush-ms", "\(flushMilliseconds)"])
        defer { server.terminate() }
        let port = try await server.firstLine()
        let scenario = try ScenarioParser.parse(Data("""
            {"name":"raw-\(style)","protocol":"raw","groups":[{"name":"g","count":\(users)}],
             "phases":[{"type":"rampUp","duration":"300ms"},
                       {"type":"arrivals","duration":"\(seconds)s","rate":"\(rate)/s","action":"say","size":60}],
             "thresholds":{"delivery.lost":"== 0","delivery.duplicated":"== 0"}}
            """.utf8))
        let report = try await LoadRunner.run(
            scenario, options: LoadRunOptions(target: "ws://127.0.0.1:\(port)/", threads: 2))
        let sends = rate * seconds
        XCTAssertEqual(report.counters["sends.total"], sends, report.summaryText())
        XCTAssertEqual(report.counters["delivery.expected"], sends * users)
        XCTAssertEqual(report.counters["delivery.received"], sends * users)
        XCTAssertEqual(report.counters["delivery.lost"], 0)
        XCTAssertEqual(report.counters["delivery.duplicated"], 0)
        XCTAssertEqual(report.latency["echo"]?.count, UInt64(sends))
        XCTAssertEqual(report.latency["broadcast"]?.count, UInt64(sends * (users - 1)))
        XCTAssertTrue(report.passed, report.summaryText())

        server.closeStdin()
        let status = try await server.wait()
        XCTAssertEqual(status, 0, server.stderr)
        let lines = server.stdout.split(separator: "\n")
        let json = try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Int] ?? [:]
        XCTAssertEqual(json["received"], sends, server.stdout)
        return json
    }
}
