import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// A quick slice of the Autobahn|Testsuite (kosoku) against both sides of ChatKit's WebSocket layer: the echo
/// server, and the client through `chatctl autobahn`. The full run (301 cases) is `make conformance`
/// (docs/conformance.md); this slice covers every group it can in a few seconds, including each case whose
/// outcome a fix changed (3.2, 4.1.3, 5.15, 6.4.1, 6.4.2).
final class AutobahnConformanceTests: XCTestCase {
    /// kosoku `-i` globs: groups 1-5, 7 and 10 whole, a sample of 6 and 9 (6.4.3/6.4.4 and most of 9 are slow).
    private static let selection = [
        "1.*", "2.*", "3.*", "4.*", "5.*", "6.2.*", "6.3.*", "6.4.1", "6.4.2", "7.*", "9.1.1", "9.2.1", "10.*",
    ]
    /// Cases whose outcome RFC 6455 leaves open: kosoku rates them INFORMATIONAL, whatever the peer does.
    private static let informational: Set<String> = ["7.1.6", "7.13.1", "7.13.2"]

    private func reportDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatkit-autobahn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private var includeArguments: [String] { Self.selection.flatMap { ["-i", $0] } }

    /// Reads kosoku's index.json: case id → (behavior, behaviorClose), over every agent in it.
    private func verdicts(in directory: URL) throws -> [String: (String, String)] {
        let data = try Data(contentsOf: directory.appendingPathComponent("index.json"))
        let index = try JSONSerialization.jsonObject(with: data) as? [String: [String: [String: Any]]] ?? [:]
        var verdicts: [String: (String, String)] = [:]
        for cases in index.values {
            for (id, entry) in cases {
                verdicts[id] = (entry["behavior"] as? String ?? "?", entry["behaviorClose"] as? String ?? "?")
            }
        }
        return verdicts
    }

    /// Every case is OK, open and close, except the informational ones.
    private func checkVerdicts(
        in directory: URL, side: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let verdicts = try self.verdicts(in: directory)
        XCTAssertGreaterThan(verdicts.count, 100, "\(side): too few cases ran", file: file, line: line)
        for (id, verdict) in verdicts.sorted(by: { $0.key < $1.key }) {
            let expected = Self.informational.contains(id) ? "INFORMATIONAL" : "OK"
            XCTAssertEqual(verdict.0, expected, "\(side) case \(id): behavior", file: file, line: line)
            XCTAssertEqual(verdict.1, expected, "\(side) case \(id): behaviorClose", file: file, line: line)
        }
        for fixed in ["3.2", "4.1.3", "5.15", "6.4.1", "6.4.2"] {
            XCTAssertNotNil(verdicts[fixed], "\(side): case \(fixed) did not run", file: file, line: line)
        }
    }

    func testEchoServerPassesTheSlice() async throws {
        let kosoku = try RepositoryPaths.venvTool("kosoku")
        let reports = try self.reportDirectory()
        defer { try? FileManager.default.removeItem(at: reports) }
        try await withServer({
            $0.mode = .echo
            $0.webSocket.maxMessageBytes = 16 * 1024 * 1024
        }) { server in
            let arguments = ["-m", "fuzzingclient", "127.0.0.1:\(server.port)"] + self.includeArguments
            let run = try ChildProcess(kosoku, arguments + ["-o", reports.path])
            let status = try await run.wait(timeout: .seconds(120))
            XCTAssertEqual(status, 0, run.stdout + run.stderr)
        }
        try self.checkVerdicts(in: reports, side: "server")
    }

    func testChatctlAutobahnPassesTheSlice() async throws {
        let kosoku = try RepositoryPaths.venvTool("kosoku")
        let chatctl = try RepositoryPaths.binary("chatctl")
        let reports = try self.reportDirectory()
        defer { try? FileManager.default.removeItem(at: reports) }
        let fuzzingServer = try ChildProcess(
            kosoku, ["-m", "fuzzingserver", "127.0.0.1:0"] + self.includeArguments + ["-o", reports.path])
        defer { fuzzingServer.terminate() }
        try await eventually("kosoku's fuzzing server address", timeout: .seconds(30)) {
            fuzzingServer.stderr.contains("ws://") || !fuzzingServer.process.isRunning
        }
        guard let address = fuzzingServer.stderr.firstMatch(of: /ws:\/\/127\.0\.0\.1:[0-9]+/) else {
            return XCTFail("no address from kosoku: \(fuzzingServer.stderr)")
        }

        let run = try ChildProcess(chatctl, ["autobahn", "--agent", "chatkit-test", String(address.output)])
        let status = try await run.wait(timeout: .seconds(120))
        XCTAssertEqual(status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("ran "), run.stdout)
        XCTAssertTrue(run.stderr.contains("case 1/"), run.stderr)
        // After /updateReports the fuzzing server writes its reports and exits.
        try await fuzzingServer.wait(timeout: .seconds(30))
        try self.checkVerdicts(in: reports, side: "client")
    }

    func testChatctlAutobahnExitStatuses() async throws {
        let chatctl = try RepositoryPaths.binary("chatctl")
        let refused = try ChildProcess(chatctl, ["autobahn", "--connect-timeout", "5", "ws://127.0.0.1:1"])
        let refusedStatus = try await refused.wait()
        XCTAssertEqual(refusedStatus, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("unreachable"), refused.stderr)

        // A WebSocket server that is not a fuzzing server (it never says how many cases it has): 1.
        let echo = try ChildProcess(
            try RepositoryPaths.python(), [RepositoryPaths.interopScript("websockets_echo_server.py")])
        defer { echo.terminate() }
        let port = try await echo.firstLine()
        let notFuzzing = try ChildProcess(chatctl, ["autobahn", "--connect-timeout", "1", "ws://127.0.0.1:\(port)"])
        let notFuzzingStatus = try await notFuzzing.wait()
        XCTAssertEqual(notFuzzingStatus, 1, notFuzzing.stderr)
        XCTAssertTrue(notFuzzing.stderr.contains("/getCaseCount"), notFuzzing.stderr)

        for arguments in [["autobahn"], ["autobahn", "--case-timeout", "0", "ws://127.0.0.1:9001"],
                          ["autobahn", "http://127.0.0.1:9001"]] {
            let usage = try ChildProcess(chatctl, arguments)
            let status = try await usage.wait()
            XCTAssertEqual(status, 2, "\(arguments): \(usage.stderr)")
        }
    }
}
