import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// The scenario's `connection` block, for every protocol: tokens from a file, one a user, reach the target URL's
/// placeholders, header templates and the adapters' frames; subprotocols are offered. Checked by peers that refuse a
/// handshake without the right ones (Tests/interop/json_pubsub_server.py and socketio_chat_server.py, `--tokens`).
final class ConnectionCredentialsTests: XCTestCase {
    private func files(users: Int, serverTokens: [String: String]) throws -> (tokens: String, server: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tokens = directory.appendingPathComponent("tokens.txt")
        try Data(((0..<users).map { "tok-\($0)" }.joined(separator: "\n") + "\n").utf8).write(to: tokens)
        let server = directory.appendingPathComponent("server-tokens.json")
        try JSONSerialization.data(withJSONObject: serverTokens).write(to: server)
        self.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return (tokens.path, server.path)
    }

    private func run(
        script: String, serverTokens: [String: String], target: (Int) -> String, scenario: (String) -> String
    ) async throws -> (LoadReport, [String: Int]) {
        let paths = try self.files(users: 4, serverTokens: serverTokens)
        let server = try ChildProcess(
            try RepositoryPaths.python(), [RepositoryPaths.interopScript(script), "--tokens", paths.server])
        defer { server.terminate() }
        let port = Int(try await server.firstLine()) ?? 0
        let parsed = try ScenarioParser.parse(Data(scenario(paths.tokens).utf8))
        let report = try await LoadRunner.run(parsed, options: LoadRunOptions(target: target(port), threads: 2))
        server.closeStdin()
        _ = try await server.wait()
        let lines = server.stdout.split(separator: "\n")
        let stats = try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Int] ?? [:]
        return (report, stats)
    }

    private static func jsonScenario(tokensFile: String) -> String {
        """
        {"name": "json-credentials", \(JSONAdapterTests.mapping),
         "connection": {"headers": {"Authorization": "Bearer {token}"}, "subprotocols": ["pubsub.v1"],
                        "tokensFile": "\(tokensFile)"},
         "groups": [{"name": "g", "count": 4, "namePattern": "u-{i}", "rooms": ["lobby"]}],
         "phases": [{"type": "rampUp", "duration": "300ms"},
                    {"type": "arrivals", "duration": "1s", "rate": "10/s", "action": "say", "size": 40}],
         "drain": "2s", "thresholds": {"delivery.lost": "== 0"}}
        """
    }

    func testTokensReachTheURLHeadersAndSubprotocol() async throws {
        let tokens = Dictionary(uniqueKeysWithValues: (0..<4).map { ("u-\($0)", "tok-\($0)") })
        let (report, stats) = try await self.run(
            script: "json_pubsub_server.py", serverTokens: tokens, target: { "ws://127.0.0.1:\($0)/?user={name}" },
            scenario: Self.jsonScenario)
        XCTAssertEqual(stats["accepted"], 4, report.summaryText())
        XCTAssertEqual(stats["refused"], 0)
        XCTAssertEqual(report.counters["delivery.lost"], 0)
        XCTAssertEqual(report.counters["delivery.received"], 10 * 4)
        XCTAssertTrue(report.passed, report.summaryText())
    }

    func testAWrongTokenIsRefusedAndTheRunFails() async throws {
        var tokens = Dictionary(uniqueKeysWithValues: (0..<4).map { ("u-\($0)", "tok-\($0)") })
        tokens["u-2"] = "someone-else"
        let (report, stats) = try await self.run(
            script: "json_pubsub_server.py", serverTokens: tokens, target: { "ws://127.0.0.1:\($0)/?user={name}" },
            scenario: Self.jsonScenario)
        XCTAssertEqual(stats["accepted"], 3, report.summaryText())
        XCTAssertEqual(stats["refused"], 1)
        XCTAssertEqual(report.counters["users.neverConnected"], 1)
        XCTAssertFalse(report.passed, report.summaryText())
    }

    func testSocketIOAuthCarriesTheToken() async throws {
        let tokens = Dictionary(uniqueKeysWithValues: (0..<4).map { ("u-\($0)", "tok-\($0)") })
        let (report, stats) = try await self.run(
            script: "socketio_chat_server.py", serverTokens: tokens, target: { "ws://127.0.0.1:\($0)/" }
        ) { tokensFile in
            """
            {"name": "socketio-credentials", "protocol": "socketio",
             "socketio": {"auth": {"name": "{name}", "token": "{token}"}},
             "connection": {"tokensFile": "\(tokensFile)"},
             "groups": [{"name": "g", "count": 4, "namePattern": "u-{i}", "rooms": ["lobby"]}],
             "phases": [{"type": "rampUp", "duration": "300ms"},
                        {"type": "arrivals", "duration": "1s", "rate": "10/s", "action": "say", "size": 40}],
             "drain": "2s", "thresholds": {"delivery.lost": "== 0"}}
            """
        }
        XCTAssertEqual(stats["connected"], 4, report.summaryText())
        XCTAssertEqual(stats["refused"], 0)
        XCTAssertEqual(report.counters["delivery.received"], 10 * 4)
        XCTAssertTrue(report.passed, report.summaryText())
    }

    func testBadConnectionSettingsNameTheField() async throws {
        let cases: [(String, Any, String)] = [
            ("header name with a space", ["headers": ["Bad Name": "x"]], "connection.headers.Bad Name: expected a header name"),
            ("header value with LF", ["headers": ["X-A": "a\nb"]], "connection.headers.X-A: a header value cannot hold CR"),
            ("header value not a string", ["headers": ["X-A": 1]], "connection.headers.X-A: expected a string"),
            ("{token} without a file", ["headers": ["Authorization": "Bearer {token}"]],
             "connection.headers.Authorization: {token} needs connection.tokensFile"),
            ("subprotocol with a space", ["subprotocols": ["a b"]], "connection.subprotocols[0]: expected a subprotocol"),
            ("empty tokens file", ["tokensFile": ""], "connection.tokensFile: expected a file path"),
            ("unknown field", ["cookies": "x"], "connection.cookies: unknown field"),
            ("not an object", "Bearer", "connection: expected an object"),
        ]
        for (label, block, expected) in cases {
            let root: [String: Any] = [
                "name": "bad", "connection": block, "groups": [["name": "g", "count": 1]],
                "phases": [["type": "rampUp", "duration": "1s"]],
            ]
            XCTAssertThrowsError(try ScenarioParser.parse(try JSONSerialization.data(withJSONObject: root)), label) {
                let problems = ($0 as? ScenarioValidationError)?.problems ?? []
                XCTAssertTrue(problems.contains { $0.hasPrefix(expected) }, "\(label): \(problems)")
            }
        }
        // A tokens file with fewer tokens than users stops the run before anyone connects.
        let paths = try self.files(users: 2, serverTokens: [:])
        let scenario = try ScenarioParser.parse(Data("""
            {"name": "short", "protocol": "raw", "connection": {"tokensFile": "\(paths.tokens)"},
             "groups": [{"name": "g", "count": 3}], "phases": [{"type": "rampUp", "duration": "1s"}]}
            """.utf8))
        do {
            _ = try await LoadRunner.run(scenario, options: LoadRunOptions(target: "ws://127.0.0.1:1/"))
            XCTFail("a run with 2 tokens for 3 users started")
        } catch let error as LoadRunError {
            XCTAssertEqual(error.description, "connection.tokensFile: \(paths.tokens) has 2 tokens for 3 users")
        }
    }
}
