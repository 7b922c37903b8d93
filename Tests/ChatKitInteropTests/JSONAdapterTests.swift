import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// chatctl's `json` adapter against a JSON publish/subscribe server whose protocol is nothing like chatkit's
/// (Tests/interop/json_pubsub_server.py): every copy is counted once from the markers in the texts, the server's own
/// count of the copies it sent agrees, and a connection the server drops shows as that user's losses only.
final class JSONAdapterTests: XCTestCase {
    /// The mapping of json_pubsub_server.py's protocol, as docs/protocols.md and scenarios/json-pubsub.json give it.
    static let mapping = """
        "protocol": "json",
        "json": {
          "hello": {"op": "hello", "user": "{name}"},
          "join": {"op": "subscribe", "channel": "{room}"},
          "leave": {"op": "unsubscribe", "channel": "{room}"},
          "say": {"op": "publish", "channel": "{room}", "data": {"text": "{text}"}},
          "whisper": {"op": "direct", "to": "{to}", "data": {"text": "{text}"}},
          "typeAt": "/op", "roomAt": "/channel", "senderAt": "/from", "recipientAt": "/to", "textAt": "/data/text",
          "nameAt": "/who",
          "messageTypes": ["event"], "whisperTypes": ["dm"], "joinedTypes": ["subscribed"],
          "presenceTypes": ["presence"], "errorTypes": ["fail"]
        }
        """

    func testEveryCopyIsCountedAndTheServerAgrees() async throws {
        let (report, stats) = try await self.run("""
            {"name": "json-light", \(Self.mapping),
             "groups": [{"name": "lobby", "count": 4, "namePattern": "l-{i}", "rooms": ["lobby"]},
                        {"name": "both", "count": 2, "namePattern": "b-{i}", "rooms": ["lobby", "side"]}],
             "phases": [{"type": "rampUp", "duration": "300ms"},
                        {"type": "arrivals", "duration": "2s", "rate": "20/s", "action": "say", "size": 60},
                        {"type": "arrivals", "duration": "1s", "rate": "5/s", "action": "whisper", "text": "psst"}],
             "thresholds": {"delivery.lost": "== 0", "whisper.lost": "== 0", "errors.total": "== 0"}}
            """)
        let c = { (name: String) in report.counters[name] ?? -1 }
        XCTAssertEqual(c("sends.total"), 45, report.summaryText())
        XCTAssertEqual(stats["published"], 40)
        // The server counts each copy it sent: the accounting expects exactly those.
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
        XCTAssertEqual(stats["direct"], 5)
        XCTAssertEqual(report.latency["echo"]?.count, 40)
        XCTAssertEqual(report.latency["whisper"]?.count, 5)
        XCTAssertTrue(report.passed, report.summaryText())
    }

    func testADroppedConnectionCountsOnlyThatUsersLosses() async throws {
        // The victim's "#drop-me" is delivered to everyone (itself too), then the server closes its connection; the
        // three talkers then say 10 each in the victim's room: exactly those 30 copies are lost, all the victim's.
        let (report, stats) = try await self.run("""
            {"name": "json-fault", \(Self.mapping),
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
        XCTAssertEqual(c("delivery.duplicated"), 0)
        XCTAssertFalse(report.passed, "a run that lost a connection passed: \(report.summaryText())")
    }

    func testBadMappingsNameTheField() throws {
        let base: [String: Any] = [
            "join": ["op": "subscribe", "channel": "{room}"],
            "say": ["op": "publish", "channel": "{room}", "data": ["text": "{text}"]],
            "typeAt": "/op", "textAt": "/data/text", "messageTypes": ["event"],
        ]
        let cases: [(String, (inout [String: Any]) -> Void, String)] = [
            ("no json block", { $0 = [:] }, "json.join: missing"),
            ("join without {room}", { $0["join"] = ["op": "subscribe"] }, "json.join: missing placeholder {room}"),
            ("say without {text}", { $0["say"] = ["op": "publish", "channel": "{room}"] },
             "json.say: missing placeholder {text}"),
            ("say as a string", { $0["say"] = "publish {text}" }, "json.say: expected a JSON object or array"),
            ("join using {text}", { $0["join"] = ["op": "subscribe", "channel": "{room}", "x": "{text}"] },
             "json.join: placeholder {text} has no value in this frame"),
            ("pointer without slash", { $0["textAt"] = "data.text" }, "json.textAt: expected a JSON Pointer"),
            ("bad pointer escape", { $0["roomAt"] = "/a~2" }, "json.roomAt: expected a JSON Pointer"),
            ("no typeAt", { $0["typeAt"] = nil }, "json.typeAt: missing"),
            ("no message types", { $0["messageTypes"] = [] }, "json.messageTypes: missing"),
            ("whisper without types", { $0["whisper"] = ["to": "{to}", "t": "{text}"] }, "json.whisperTypes: missing"),
            ("type in two lists", { $0["errorTypes"] = ["event"] }, "json.errorTypes: \"event\" is also in json.messageTypes"),
            ("unknown field", { $0["sayy"] = [:] }, "json.sayy: unknown field"),
        ]
        for (label, change, expected) in cases {
            var json = base
            change(&json)
            let root: [String: Any] = [
                "name": "bad", "protocol": "json", "json": json, "target": "ws://127.0.0.1:1/",
                "groups": [["name": "g", "count": 2, "rooms": ["r"]]],
                "phases": [["type": "rampUp", "duration": "1s"]],
            ]
            let data = try JSONSerialization.data(withJSONObject: root)
            XCTAssertThrowsError(try ScenarioParser.parse(data), label) { error in
                let problems = (error as? ScenarioValidationError)?.problems ?? []
                XCTAssertTrue(problems.contains { $0.hasPrefix(expected) }, "\(label): \(problems)")
            }
        }
        // Steps the mapping has no frame for, and steps that read chatkit's own frames.
        let steps = try JSONSerialization.data(withJSONObject: [
            "name": "bad", "protocol": "json", "json": base, "target": "ws://127.0.0.1:1/",
            "groups": [["name": "g", "count": 2, "rooms": ["r"], "script": [
                ["whisper": ["to": "g-1", "text": "x"]], ["leave": "r"], ["expect": ["type": "message"]],
            ]]],
            "phases": [["type": "rampUp", "duration": "1s"], ["type": "arrivals", "duration": "1s", "rate": "1/s",
                                                              "action": "whisper", "size": 10]],
        ] as [String: Any])
        XCTAssertThrowsError(try ScenarioParser.parse(steps)) { error in
            let problems = (error as? ScenarioValidationError)?.problems ?? []
            for expected in [
                "phases[1].action: whisper needs json.whisper", "groups[0].script[0].whisper: whisper needs json.whisper",
                "groups[0].script[1].leave: leave needs json.leave", "groups[0].script[2].expect: expect reads chatkit",
            ] {
                XCTAssertTrue(problems.contains { $0.hasPrefix(expected) }, "\(expected): \(problems)")
            }
        }
        // A json block under another protocol.
        let misplaced = try JSONSerialization.data(withJSONObject: [
            "name": "bad", "protocol": "raw", "json": base, "target": "ws://127.0.0.1:1/",
            "groups": [["name": "g", "count": 1]], "phases": [["type": "rampUp", "duration": "1s"]],
        ] as [String: Any])
        XCTAssertThrowsError(try ScenarioParser.parse(misplaced)) { error in
            XCTAssertEqual((error as? ScenarioValidationError)?.problems, ["json: only with protocol \"json\""])
        }
    }

    /// Runs `scenario` against a fresh json_pubsub_server.py and returns the report and what the server counted.
    private func run(_ scenario: String) async throws -> (LoadReport, [String: Int]) {
        let server = try ChildProcess(try RepositoryPaths.python(), [RepositoryPaths.interopScript("json_pubsub_server.py")])
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
