import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// The counter names are written once (``LoadCounter``): the catalogue of thresholds follows them, and
/// docs/scenarios.md documents each one with its percentage base.
final class LoadCounterTests: XCTestCase {
    func testTheCatalogueHoldsEveryCounterWithItsBase() {
        XCTAssertEqual(LoadMetricCatalog.counters.count, LoadCounter.allCases.count)
        for counter in LoadCounter.allCases {
            XCTAssertEqual(LoadMetricCatalog.percentBase(of: counter.rawValue), counter.percentBase?.rawValue)
            XCTAssertTrue(LoadMetricCatalog.isKnown(counter.rawValue), counter.rawValue)
        }
    }

    func testDocsListEveryCounterWithItsPercentageBase() throws {
        let docs = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("docs/scenarios.md"), encoding: .utf8)
        let rows = docs.split(separator: "\n").filter { $0.hasPrefix("| `") }
        for counter in LoadCounter.allCases {
            // The counters table of the metric catalog: metric, meaning, percentage base.
            let base = counter.percentBase.map { "`\($0.rawValue)`" } ?? "—"
            XCTAssertTrue(
                rows.contains { $0.hasPrefix("| `\(counter.rawValue)` |") && $0.hasSuffix(" | \(base) |") },
                "docs/scenarios.md has no row for \(counter.rawValue) with base \(base)")
        }
    }
}
