import ChatKit
import ChatKitLoad
import Foundation
import XCTest

/// The report's time series: one point per second, the last partial second included, seconds strictly
/// increasing (a repeated second drew a spike at the right edge of every HTML chart).
final class TimeSeriesTests: XCTestCase {
    func testSecondsStrictlyIncreaseThroughTheLastPartialSecond() async throws {
        // About 2.3 s from start to stop: the last, partial second rounds down to the tick before it.
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"series","seed":1,
             "groups":[{"name":"g","count":2,"namePattern":"u-{i}","rooms":["r"]}],
             "phases":[{"type":"rampUp","duration":"100ms"},
                       {"type":"arrivals","duration":"2s","rate":"10/s","action":"say","size":16},
                       {"type":"hold","duration":"200ms"}],
             "drain":"1s"}
            """#.utf8))
        try await withServer { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 1))
            let seconds = report.timeSeries.map(\.second)
            XCTAssertGreaterThanOrEqual(seconds.count, 2, "\(seconds)")
            XCTAssertEqual(seconds, seconds.sorted(), "\(seconds)")
            XCTAssertEqual(Set(seconds).count, seconds.count, "a repeated second: \(seconds), run \(report.durationSeconds) s")
            XCTAssertEqual(report.timeSeries.reduce(0) { $0 + $1.messagesOut }, report.counters["messages.out"])
        }
    }
}
