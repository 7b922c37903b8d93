import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// `ReportJUnit`: thresholds as JUnit test cases, read back by an XML parser nobody here wrote (Python's).
final class ReportJUnitTests: XCTestCase {
    /// Parses the XML with Python's ElementTree and returns what a CI system would read from it, as JSON.
    private func parse(_ xml: String) async throws -> [String: Any] {
        let path = SyntheticReports.temporaryPath(".xml")
        try Data(xml.utf8).write(to: URL(fileURLWithPath: path))
        let script = """
            import json, sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            suite = root.find("testsuite")
            print(json.dumps({
                "root": root.tag, "suites": len(root.findall("testsuite")),
                "name": suite.get("name"), "tests": suite.get("tests"), "failures": suite.get("failures"),
                "properties": {p.get("name"): p.get("value") for p in suite.iter("property")},
                "cases": [{"name": c.get("name"), "classname": c.get("classname"),
                           "failure": (c.find("failure").get("message") if c.find("failure") is not None else None),
                           "text": (c.find("failure").text if c.find("failure") is not None else None)}
                          for c in suite.findall("testcase")]}))
            """
        let child = try ChildProcess(try RepositoryPaths.python(), ["-c", script, path])
        child.closeStdin()
        let status = try await child.wait(timeout: .seconds(30))
        XCTAssertEqual(status, 0, child.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(child.stdout.utf8))
        return try XCTUnwrap(object as? [String: Any], child.stdout)
    }

    func testEachThresholdIsATestCaseAndFailuresCarryTheirMessage() async throws {
        let report = try SyntheticReports.report(
            name: #"soak <night> & "day""#, shard: "2/3", broadcastMicros: [5_000, 80_000],
            counters: ["delivery.expected": 100, "delivery.lost": 4, "connect.attempts": 10, "connect.errors": 1],
            thresholds: ["delivery.lost": "== 0", "latency.broadcast.p99": "< 50ms", "connect.errors": "< 20%"])
        let xml = ReportJUnit.render(report)
        XCTAssertTrue(xml.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        let parsed = try await self.parse(xml)
        XCTAssertEqual(parsed["root"] as? String, "testsuites")
        XCTAssertEqual(parsed["suites"] as? Int, 1)
        XCTAssertEqual(parsed["name"] as? String, #"soak <night> & "day""#)
        XCTAssertEqual(parsed["tests"] as? String, "9", "6 run checks and 3 thresholds")
        XCTAssertEqual(parsed["failures"] as? String, "2")
        let properties = try XCTUnwrap(parsed["properties"] as? [String: String])
        XCTAssertEqual(properties["seed"], "7")
        XCTAssertEqual(properties["shard"], "2/3")
        XCTAssertEqual(properties["planFingerprint"], "00112233aabbccdd")

        let allCases = try XCTUnwrap(parsed["cases"] as? [[String: Any]])
        XCTAssertEqual(
            allCases.prefix(6).compactMap { $0["name"] as? String },
            RunCheck.allCases.filter { $0.applies(to: [:]) }.map(\.rawValue), "the churn checks only in runs with churn")
        XCTAssertEqual(allCases[0]["classname"] as? String, #"chatctl.checks.soak <night> & "day""#)
        XCTAssertEqual(allCases[0]["failure"] as? NSNull, NSNull(), "a passing check has no failure element")
        let cases = Array(allCases.dropFirst(6))
        XCTAssertEqual(cases.compactMap { $0["name"] as? String }, [
            "connect.errors < 20%", "delivery.lost == 0", "latency.broadcast.p99 < 50ms",
        ])
        XCTAssertEqual(cases[0]["failure"] as? NSNull, NSNull(), "a passing rule has no failure element")
        XCTAssertEqual(cases[1]["failure"] as? String, "delivery.lost == 0 failed: measured 4")
        XCTAssertEqual(cases[1]["text"] as? String, "delivery.lost was 4, the rule is == 0")
        XCTAssertEqual(cases[2]["failure"] as? String, "latency.broadcast.p99 < 50ms failed: measured 80.1ms")
        XCTAssertEqual(cases[2]["classname"] as? String, #"chatctl.thresholds.soak <night> & "day""#)
    }

    func testControlCharactersCannotBreakTheXML() async throws {
        let report = try SyntheticReports.report(name: "bell\u{07}and\u{0}nul", thresholds: ["delivery.lost": "== 0"])
        let parsed = try await self.parse(ReportJUnit.render(report))
        XCTAssertEqual(parsed["name"] as? String, "bell\u{FFFD}and\u{FFFD}nul")
        XCTAssertEqual(parsed["failures"] as? String, "0")
    }
}
