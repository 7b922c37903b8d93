import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// chatctl's `socketio` adapter against a python-socketio 5 chat app (Tests/interop/socketio_chat_server.py): the
/// Engine.IO handshake and pings (the server pings every 0.5 s and drops a client that does not answer), namespace
/// connect, events and join acks; every copy counted once, and a dropped connection counted as that user's losses.
final class SocketIOAdapterTests: XCTestCase {
    /// The server learns each user's name from the CONNECT payload; everything else is the adapter's defaults.
    static let mapping = #""protocol": "socketio", "socketio": {"auth": {"name": "{name}"}}"#

    func testEveryCopyIsCountedAndTheServerAgrees() async throws {
        let (report, stats) = try await self.run("""
            {"name": "socketio-light", \(Self.mapping),
             "groups": [{"name": "lobby", "count": 4, "namePattern": "l-{i}", "rooms": ["lobby"]},
                        {"name": "both", "count": 2, "namePattern": "b-{i}", "rooms": ["lobby", "side"]}],
             "phases": [{"type": "rampUp", "duration": "300ms"},
                        {"type": "arrivals", "duration": "2s", "rate": "20/s", "action": "say", "size": 60},
                        {"type": "arrivals", "duration": "1s", "rate": "5/s", "action": "whisper", "text": "psst"}],
             "thresholds": {"delivery.lost": "== 0", "whisper.lost": "== 0", "errors.total": "== 0"}}
            """)
        let c = { (name: String) in report.counters[name] ?? -1 }
        XCTAssertEqual(stats["connected"], 6)
        XCTAssertEqual(c("users.disconnected"), 0, "pings unanswered? \(report.summaryText())")
        XCTAssertEqual(c("sends.total"), 45, report.summaryText())
        XCTAssertEqual(stats["messages"], 40)
        XCTAssertEqual(c("delivery.expected"), stats["delivered"], report.summaryText())
        XCTAssertGreaterThanOrEqual(c("delivery.expected"), 40 * 2)
        XCTAssertEqual(c("delivery.received"), c("delivery.expected"))
        XCTAssertEqual(c("delivery.lost"), 0)
        XCTAssertEqual(c("delivery.duplicated"), 0)
        XCTAssertEqual(c("delivery.outOfOrder"), 0)
        // Users join one after another: each member sees the later ones' joins (the peers announce joins only).
        XCTAssertGreaterThan(c("presence.expected"), 0)
        XCTAssertEqual(c("presence.missing"), 0, report.summaryText())
        XCTAssertEqual(c("whisper.sent"), 5)
        XCTAssertEqual(c("whisper.delivered"), 5)
        XCTAssertEqual(stats["private"], 5)
        XCTAssertEqual(report.latency["echo"]?.count, 40)
        XCTAssertTrue(report.passed, report.summaryText())
    }

    func testADroppedConnectionCountsOnlyThatUsersLosses() async throws {
        let (report, stats) = try await self.run("""
            {"name": "socketio-fault", \(Self.mapping),
             "groups": [{"name": "victim", "count": 1, "namePattern": "victim", "rooms": ["lobby"],
                         "script": [{"wait": "200ms"}, {"say": {"room": "lobby", "text": "#drop-me", "count": 1}}]},
                        {"name": "talkers", "count": 3, "namePattern": "t-{i}", "rooms": ["lobby"],
                         "script": [{"wait": "1s"}, {"say": {"room": "lobby", "size": 60, "count": 10, "rate": "20/s"}}]}],
             "phases": [{"type": "rampUp", "duration": "300ms"}, {"type": "script", "duration": "10s"}],
             "drain": "2s"}
            """)
        let c = { (name: String) in report.counters[name] ?? -1 }
        XCTAssertEqual(stats["dropped"], 1)
        XCTAssertEqual(c("sends.total"), 31, report.summaryText())
        XCTAssertEqual(c("users.disconnected"), 1)
        XCTAssertEqual(c("delivery.expected"), 31 * 4)
        XCTAssertEqual(c("delivery.lost"), 30, report.summaryText())
        XCTAssertEqual(c("delivery.received"), 31 * 4 - 30)
        XCTAssertFalse(report.passed, "a run that lost a connection passed: \(report.summaryText())")
    }

    func testBadSettingsNameTheField() throws {
        let cases: [(String, [String: Any], String)] = [
            ("namespace without slash", ["namespace": "chat"], "socketio.namespace: expected a namespace"),
            ("say not an event", ["say": ["room": "{room}", "text": "{text}"]], "socketio.say: expected an event"),
            ("say without {text}", ["say": ["message", "{room}"]], "socketio.say: missing placeholder {text}"),
            ("bad pointer", ["textAt": "1/text"], "socketio.textAt: expected a JSON Pointer"),
            ("no message events", ["messageEvents": []], "socketio.messageEvents: missing"),
            ("joinAck not a boolean", ["joinAck": "yes"], "socketio.joinAck: expected true or false"),
            ("auth with {room}", ["auth": ["room": "{room}"]], "socketio.auth: placeholder {room} has no value"),
            ("unknown field", ["path": "/x"], "socketio.path: unknown field"),
        ]
        for (label, block, expected) in cases {
            let root: [String: Any] = [
                "name": "bad", "protocol": "socketio", "socketio": block, "target": "ws://127.0.0.1:1/",
                "groups": [["name": "g", "count": 2, "rooms": ["r"]]],
                "phases": [["type": "rampUp", "duration": "1s"]],
            ]
            XCTAssertThrowsError(try ScenarioParser.parse(try JSONSerialization.data(withJSONObject: root)), label) {
                let problems = ($0 as? ScenarioValidationError)?.problems ?? []
                XCTAssertTrue(problems.contains { $0.hasPrefix(expected) }, "\(label): \(problems)")
            }
        }
    }

    /// Runs `scenario` against a fresh socketio_chat_server.py and returns the report and what the server counted.
    private func run(_ scenario: String) async throws -> (LoadReport, [String: Int]) {
        let server = try ChildProcess(
            try RepositoryPaths.python(), [RepositoryPaths.interopScript("socketio_chat_server.py")])
        defer { server.terminate() }
        let port = try await server.firstLine()
        let parsed = try ScenarioParser.parse(Data(scenario.utf8))
        let report = try await LoadRunner.run(parsed, options: LoadRunOptions(target: "ws://127.0.0.1:\(port)/", threads: 2))
        server.closeStdin()
        let status = try await server.wait()
        XCTAssertEqual(status, 0, server.stderr)
        let lines = server.stdout.split(separator: "\n")
        let stats = try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Int] ?? [:]
        return (report, stats)
    }
}
