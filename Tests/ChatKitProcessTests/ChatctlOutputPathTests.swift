import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// Output files of `chatctl run`, `report` and `report merge`: checked before anything connects (exit 2 naming
/// the flag), and written whole (no temporary file left).
final class ChatctlOutputPathTests: XCTestCase {
    private func chatctl(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(try RepositoryPaths.binary("chatctl"), arguments)
        child.closeStdin()
        let status = try await child.wait(timeout: .seconds(120))
        return (status, child.stdout, child.stderr)
    }

    private var smoke: String { RepositoryPaths.root.appendingPathComponent("scenarios/smoke.json").path }

    func testBadOutputPathsExitTwoNamingTheFlagBeforeAnythingConnects() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let missing = "/nonexistent-\(UUID().uuidString)"
        let file = directory.appendingPathComponent("r.json").path
        let cases: [(arguments: [String], message: String)] = [
            (["--html", "\(missing)/r.html"], "chatctl: --html \(missing)/r.html: directory \(missing) does not exist"),
            (["--out", "\(missing)/r.json"], "chatctl: --out \(missing)/r.json: directory \(missing) does not exist"),
            (["--junit", "\(missing)/j.xml"], "chatctl: --junit \(missing)/j.xml: directory \(missing) does not exist"),
            (["--live", "\(missing)/l.jsonl"], "chatctl: --live \(missing)/l.jsonl: directory \(missing) does not exist"),
            (["--out", directory.path], "chatctl: --out \(directory.path): is a directory"),
            (["--out", "\(file)/x.json"], "chatctl: --out \(file)/x.json: directory \(file) does not exist"),
            (["--out", file, "--html", file], "chatctl: --out and --html both write \(file)"),
            (["--junit", file, "--live", directory.path + "/./r.json"], "chatctl: --junit and --live both write \(file)"),
        ]
        for (arguments, message) in cases {
            let result = try await self.chatctl(["run", self.smoke, "--quiet"] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("embedded"), "nothing started for \(arguments): \(result.stderr)")
            XCTAssertTrue(result.stdout.isEmpty, result.stdout)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "nothing written")
    }

    func testReportAndMergeCheckTheirOutputsAndWriteThemWhole() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let report = directory.appendingPathComponent("report.json").path
        let run = try await self.chatctl(["run", self.smoke, "--quiet", "--out", report])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)

        let show = try await self.chatctl(["report", report, "--html", "/nonexistent-dir/r.html"])
        XCTAssertEqual(show.status, 2)
        XCTAssertTrue(show.stderr.contains("chatctl: --html /nonexistent-dir/r.html: directory /nonexistent-dir does not exist"), show.stderr)
        let merge = try await self.chatctl(["report", "merge", report, "--out", report, "--junit", report])
        XCTAssertEqual(merge.status, 2)
        XCTAssertTrue(merge.stderr.contains("chatctl: --out and --junit both write \(report)"), merge.stderr)

        let html = directory.appendingPathComponent("r.html").path
        let junit = directory.appendingPathComponent("j.xml").path
        let merged = directory.appendingPathComponent("m.json").path
        let written = try await self.chatctl(["report", report, "--html", html, "--junit", junit])
        XCTAssertEqual(written.status, 0, written.stderr)
        let mergedRun = try await self.chatctl(["report", "merge", report, "--out", merged])
        XCTAssertEqual(mergedRun.status, 0, mergedRun.stderr)
        XCTAssertNoThrow(try LoadReport.read(contentsOf: merged))
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).hasSuffix("</html>\n"))
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(left, ["j.xml", "m.json", "r.html", "report.json"], "no temporary file left")
    }
}
