import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import Foundation
import XCTest

/// `LiveProgressLog`: one JSON line per second of a run, the same points the report's time series has.
final class LiveProgressTests: XCTestCase {
    func testEachSecondOfARunIsALineWithTheReportsTimeSeriesPoint() async throws {
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"live","groups":[{"name":"g","count":6,"rooms":["r"]}],
             "phases":[{"type":"rampUp","duration":"200ms"},
                       {"type":"arrivals","duration":"2500ms","rate":"40/s","action":"say","size":32}],
             "drain":"2s"}
            """#.utf8))
        let path = SyntheticReports.temporaryPath(".jsonl")
        let log = try LiveProgressLog(path: path)
        let report = try await withServer { server in
            try await LoadRunner.run(
                scenario, options: LoadRunOptions(target: server.url, threads: 2, onProgress: { log.append($0) }))
        }
        log.close()

        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n")
        let records = try lines.map { try JSONDecoder().decode(LiveProgressRecord.self, from: Data($0.utf8)) }
        XCTAssertGreaterThanOrEqual(records.count, 3, text)
        XCTAssertEqual(records.count, report.timeSeries.count)
        for (record, point) in zip(records, report.timeSeries) {
            XCTAssertEqual(record.point, point)
            XCTAssertEqual(record.usersTotal, 6)
        }
        XCTAssertEqual(records.map(\.elapsedSeconds), records.map(\.elapsedSeconds).sorted())
        XCTAssertTrue(records.contains { $0.phase == "arrivals" }, text)
        XCTAssertEqual(records.last?.phase, "drain")
        XCTAssertEqual(records.last?.point.usersConnected, 6)
        XCTAssertEqual(records.reduce(0) { $0 + $1.point.messagesOut }, report.timeSeries.reduce(0) { $0 + $1.messagesOut })
        XCTAssertGreaterThan(records.last?.broadcastP99SoFar ?? 0, 0)
        // Keys are sorted and every line is one JSON object: what `tail -F | jq` wants.
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("{\"broadcastP99\":") && $0.hasSuffix("}") })
        // Every line is one flat object with the fields docs/scenarios.md lists, the point's at the top level.
        let documented: Set<String> = [
            "second", "usersConnected", "messagesOut", "messagesIn", "bytesOut", "bytesIn", "errors", "broadcastP99",
            "broadcastP99FromSend",
            "elapsedSeconds", "plannedSeconds", "phase", "usersTotal", "broadcastP99SoFar", "errorsSoFar",
        ]
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(Set(object.keys), documented, String(line))
        }
    }

    func testAPathThatCannotBeCreatedIsRefusedAtOnce() {
        XCTAssertThrowsError(try LiveProgressLog(path: "/nonexistent-dir/live.jsonl")) { error in
            XCTAssertEqual((error as? ReportFileError)?.message, "cannot create the file")
        }
    }
}
