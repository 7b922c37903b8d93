import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// The latency names are written once (``LoadLatency``): the threshold catalogue follows them, and
/// docs/scenarios.md documents each family with its metric prefix and report key.
final class LoadLatencyTests: XCTestCase {
    func testTheCatalogueHoldsEveryFamilyOnce() {
        XCTAssertEqual(Set(LoadMetricCatalog.latencyFamilies), Set(LoadLatency.allCases.map(\.metricFamily)))
        XCTAssertEqual(LoadMetricCatalog.latencyFamilies.count, LoadLatency.allCases.count)
        for latency in LoadLatency.allCases {
            XCTAssertEqual(LoadLatency(metricFamily: latency.metricFamily), latency)
            XCTAssertTrue(LoadMetricCatalog.isTime(latency.metricFamily + ".p99.9"), latency.metricFamily)
        }
    }

    func testDocsListEveryFamilyWithItsReportKey() throws {
        let docs = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("docs/scenarios.md"), encoding: .utf8)
        let rows = docs.split(separator: "\n").filter { $0.hasPrefix("| ") }
        for latency in LoadLatency.allCases {
            // The table of "Latency families and statistics": family, metric prefix, report key, sample.
            XCTAssertTrue(
                rows.contains { $0.contains(" | `\(latency.metricFamily)` | `\(latency.rawValue)` | ") },
                "docs/scenarios.md has no row for \(latency.metricFamily) with key \(latency.rawValue)")
        }
    }
}
