import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// Scenario files are validated before anything connects; every problem names its path.
final class ScenarioValidationTests: XCTestCase {
    private let minimal = #"{"name":"t","groups":[{"name":"g","count":2}],"phases":[{"type":"hold","duration":"1s"}]}"#

    private func problems(_ json: String) -> [String] {
        do {
            _ = try ScenarioParser.parse(Data(json.utf8))
            return []
        } catch let error as ScenarioValidationError {
            return error.problems
        } catch {
            return ["unexpected \(error)"]
        }
    }

    /// Replaces one part of the minimal scenario.
    private func with(_ key: String, _ value: String) -> String {
        var object = (try? JSONSerialization.jsonObject(with: Data(self.minimal.utf8))) as? [String: Any] ?? [:]
        object[key] = try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func testTheMinimalScenarioIsValidWithDefaults() throws {
        let scenario = try ScenarioParser.parse(Data(self.minimal.utf8))
        XCTAssertEqual(scenario.name, "t")
        XCTAssertEqual(scenario.seed, 1)
        XCTAssertEqual(scenario.wireProtocol, .chat)
        XCTAssertEqual(scenario.groups.first?.namePattern, "g-{i}")
        XCTAssertEqual(scenario.drainSeconds, 5)
        XCTAssertEqual(scenario.connectTimeoutSeconds, 10)
        XCTAssertNil(scenario.target)
    }

    func testBadInputsGetMessagesNamingTheField() {
        let cases: [(json: String, expected: String)] = [
            ("{not json", "scenario is not valid JSON"),
            ("{\n  \"name\": \"x\",\n  oops\n}", "scenario is not valid JSON: line 3, column 3: Invalid value."),
            ("{\n  \"name\": \"x\",\n", "scenario is not valid JSON: line 3, column 1: Unexpected end of file"),
            ("[]", "scenario: expected an object, got an array"),
            (self.with("phases", #"[{"type":"hold","duration":"1s"},{"type":"arrivals","duration":"1s","rate":"fast"}]"#),
             #"phases[1].rate: expected "N/s", got "fast""#),
            (self.with("phases", #"[{"type":"hold","duration":10}]"#),
             #"phases[0].duration: expected a duration such as "500ms", "10s" or "2m", got 10"#),
            (self.with("phases", #"[{"type":"sprint","duration":"1s"}]"#),
             #"phases[0].type: expected "rampUp", "arrivals", "script", "hold" or "churn", got "sprint""#),
            (self.with("phases", #"[{"type":"arrivals","duration":"1s","rate":"1/s","group":"nobody"}]"#),
             #"phases[0].group: no group named "nobody""#),
            (self.with("phases", "[]"), "phases: expected a non-empty array of phases, got an array"),
            (self.with("groups", #"[{"name":"g","count":"3"}]"#), #"groups[0].count: expected a whole number, got "3""#),
            (self.with("groups", #"[{"name":"g","count":0}]"#), "groups[0].count: expected a number from 1 to 100000, got 0"),
            (self.with("groups", #"[{"name":"g","count":2,"namePattern":"same"}]"#),
             #"groups[0].namePattern: 2 users need distinct names: use {i} in "same""#),
            (self.with("groups", #"[{"name":"a","count":2,"namePattern":"u-{i}"},{"name":"b","count":2,"namePattern":"u-{i}"}]"#),
             #"groups[1].namePattern: "u-0" is also a name in groups[0]: names must be unique"#),
            (self.with("groups", #"[{"name":"g","count":1,"namePattern":"bad name"}]"#),
             #"groups[0].namePattern: user 0 would be "bad name": name may only contain letters, digits, '-', '_' and '.'"#),
            (self.with("groups", #"[{"name":"g","count":1,"namePattern":"u-{j}"}]"#),
             #"groups[0].namePattern: cannot read {j} in "u-{j}": use {i}, {i%N}, {i+K%N} or {i/N}"#),
            (self.with("groups", #"[{"name":"g","count":1,"rooms":["a b"]}]"#),
             "groups[0].rooms[0]: for user 0: room name may only contain letters, digits, '-', '_' and '.'"),
            (self.with("groups", #"[{"name":"g","count":1,"script":[{"shout":"x"}]}]"#),
             #"groups[0].script[0]: expected an object with one of join, leave, say, whisper, wait, expect, http, repeat, got keys ["shout"]"#),
            (self.with("groups", #"[{"name":"g","count":1,"script":[{"say":{"count":2,"rate":"2 per second"}}]}]"#),
             #"groups[0].script[0].say.rate: expected "N/s", got "2 per second""#),
            (self.with("groups", #"[{"name":"g","count":1,"script":[{"wait":{"min":"2s","max":"1s"}}]}]"#),
             "groups[0].script[0].wait.max: must not be below min"),
            (self.with("groups", #"[{"name":"g","count":1,"script":[{"repeat":{"times":2}}]}]"#),
             "groups[0].script[0].repeat.steps: missing (expected an array of steps)"),
            (self.with("groups", #"[{"name":"g","count":1,"script":[{"http":{"url":"/x","method":"FETCH"}}]}]"#),
             #"groups[0].script[0].http.method: expected GET, POST, PUT, DELETE, PATCH or HEAD, got "FETCH""#),
            (self.with("groups", #"[{"name":"g","count":1,"script":[{"expect":{"type":"shout"}}]}]"#),
             #"groups[0].script[0].expect.type: expected one of message, whisper, presence, joined, left, history, users, error, got "shout""#),
            (self.with("thresholds", #"{"latency.broadcast.p99":"< 50"}"#),
             #"thresholds.latency.broadcast.p99: expected a duration with a unit ("50ms", "1s"), got "< 50""#),
            (self.with("thresholds", #"{"delivery.lost":"about 0"}"#),
             #"thresholds.delivery.lost: expected "<|<=|>|>=|==|!= VALUE", got "about 0""#),
            (self.with("thresholds", #"{"delivery.expected":"< 5%"}"#),
             "thresholds.delivery.expected: delivery.expected has no base to take a percentage of"),
            (self.with("target", #""http://x""#), "target: invalid WebSocket URL http://x: scheme must be ws"),
            (self.with("protocol", #""carrier-pigeon""#), #"protocol: expected "chat", "raw", "json" or "socketio", got "carrier-pigeon""#),
            (self.with("colour", #""blue""#), "colour: unknown field; expected one of"),
            (self.with("name", "7"), "name: expected a string, got 7"),
            (self.with("phases", #"[{"type":"hold","duration":"1e3"}]"#),
             #"phases[0].duration: expected a duration such as "500ms", "10s" or "2m", got "1e3""#),
            (self.with("phases", #"[{"type":"hold","duration":"1s"},{"type":"rampUp","duration":"1s"}]"#),
             "phases[1].type: rampUp must be the first phase (users connect once)"),
            (self.with("groups", #"[{"name":"g","count":2,"namePattern":"u{i+9223372036854775807}"}]"#),
             #"groups[0].namePattern: cannot read {i+9223372036854775807}"#),
            (self.with("groups", #"[{"name":"g","count":2,"namePattern":"u}{i}"}]"#), #"groups[0].namePattern: unmatched } in "u}{i}""#),
            (self.with("groups", "[{\"name\":\"g\",\"count\":20,\"rooms\":[\"\(String(repeating: "a", count: 63)){i}\"]}]"),
             "groups[0].rooms[0]: for user 10: room name is longer than 64 characters"),
            (self.with("seed", "9007199254740993"), "seed: expected a number from 0 to 9007199254740991"),
        ]
        for (json, expected) in cases {
            let problems = self.problems(json)
            XCTAssertTrue(problems.contains { $0.hasPrefix(expected) }, "expected \"\(expected)\", got \(problems)")
        }
    }

    func testEveryProblemIsReportedAtOnce() {
        let json = #"{"groups":[{"count":-1}],"phases":[{"type":"hold"}],"thresholds":{"nope":"== 1"}}"#
        let problems = self.problems(json)
        XCTAssertEqual(problems.count, 4, "\(problems)")
        XCTAssertTrue(problems.contains("name: missing (expected a string)"))
        XCTAssertTrue(problems.contains { $0.hasPrefix("thresholds.nope: unknown metric \"nope\"") })
    }

    func testRawProtocolRefusesWhispers() {
        let json = self.with("protocol", #""raw""#).replacingOccurrences(
            of: #""phases":[{"duration":"1s","type":"hold"}]"#,
            with: #""phases":[{"type":"arrivals","duration":"1s","rate":"1/s","action":"whisper"}]"#)
        XCTAssertTrue(self.problems(json).contains("phases[0].action: whisper needs the chat protocol; raw servers only broadcast"),
                      "\(self.problems(json))")
    }

    func testShippedScenariosAreValid() throws {
        for name in ["smoke", "burst", "whisper", "soak"] {
            let path = RepositoryPaths.root.appendingPathComponent("scenarios/\(name).json").path
            XCTAssertNoThrow(try ScenarioParser.parse(contentsOf: path), name)
        }
    }

    func testShippedScenariosMatchTheJSONSchemaAndBadOnesDoNot() async throws {
        let root = RepositoryPaths.root
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try Data(#"{"name":"x","groups":[{"count":"2"}],"phases":[{"type":"hold","duration":"10"}]}"#.utf8).write(to: bad)
        var files = ["smoke", "burst", "whisper", "soak", "churn"].map { root.appendingPathComponent("scenarios/\($0).json").path }
        files.append(bad.path)
        let check = try ChildProcess(
            try RepositoryPaths.python(),
            [RepositoryPaths.interopScript("validate_scenarios.py"), root.appendingPathComponent("scenarios/scenario.schema.json").path]
                + files)
        let status = try await check.wait()
        XCTAssertEqual(status, 1, check.stderr)
        let lines = check.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.hasPrefix("ok ") }.count, 5, check.stdout + check.stderr)
        XCTAssertTrue(lines.last?.hasPrefix("invalid \(bad.path)") ?? false, check.stdout)
    }

    func testUnitsAndPatterns() {
        XCTAssertEqual(ScenarioUnits.seconds("250ms"), 0.25)
        XCTAssertEqual(ScenarioUnits.seconds("2m"), 120)
        XCTAssertEqual(ScenarioUnits.perSecond("600/m"), 10)
        XCTAssertNil(ScenarioUnits.perSecond("fast"))
        XCTAssertEqual(NamePattern.expand("u-{i}", index: 7), "u-7")
        XCTAssertEqual(NamePattern.expand("room-{i%4}", index: 7), "room-3")
        XCTAssertEqual(NamePattern.expand("peer-{i+1%8}", index: 7), "peer-0")
        XCTAssertEqual(NamePattern.expand("peer-{i-1%8}", index: 0), "peer-7")
        XCTAssertEqual(NamePattern.expand("team-{i/50}", index: 120), "team-2")
        XCTAssertTrue(NamePattern.glob("w-1*", matches: "w-150"))
        XCTAssertFalse(NamePattern.glob("w-1*", matches: "w-2"))
        XCTAssertTrue(NamePattern.glob("*-x-*", matches: "a-x-b"))
    }
}
