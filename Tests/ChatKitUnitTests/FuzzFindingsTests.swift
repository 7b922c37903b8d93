import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// Focused tests of what the fuzz targets found (docs/fuzzing.md); the reproducers themselves are replayed
/// by `FuzzCorpusTests` from Tests/fuzz/corpus/.
final class FuzzFindingsTests: XCTestCase {
    private func problems(_ json: String) -> [String] {
        do {
            _ = try ScenarioParser.parse(Data(json.utf8))
            return []
        } catch let error as ScenarioValidationError {
            return error.problems
        } catch {
            XCTFail("unexpected \(error)")
            return []
        }
    }

    private func scenario(groups: String = #"[{"name": "u", "count": 2}]"#, phases: String) -> String {
        #"{"name": "t", "groups": \#(groups), "phases": \#(phases)}"#
    }

    func testDurationsLongerThanAYearAreRefused() {
        // 1e22 s overflowed the runner's Int64 nanoseconds (a trap) when it scheduled the ramp-up.
        XCTAssertEqual(
            self.problems(self.scenario(phases: #"[{"type": "rampUp", "duration": "9999999999999999999991s"}]"#)),
            [#"phases[0].duration: expected a duration of at most a year (8760h), got "9999999999999999999991s""#])
        let aYear = self.scenario(phases: #"[{"type": "hold", "duration": "8760h"}]"#)
        XCTAssertNoThrow(try ScenarioParser.parse(Data(aYear.utf8)))
    }

    func testADurationThatOverflowsToInfinityIsNotANumber() {
        XCTAssertNil(ScenarioUnits.seconds(String(repeating: "9", count: 306) + "h"))
        XCTAssertEqual(ScenarioUnits.seconds("2h"), 7200)
    }

    func testRatesAboveAMillionPerSecondAreRefused() {
        // (rate × duration) arrivals did not fit an Int: LoadPlan's arrival count trapped.
        let rate = "1" + String(repeating: "0", count: 300) + "/s"
        let phases = #"[{"type": "arrivals", "duration": "1s", "rate": "\#(rate)"}]"#
        let problems = self.problems(self.scenario(phases: phases))
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasPrefix("phases[0].rate: expected a rate of at most 1000000/s"), problems[0])
    }

    func testPacedSendsMustFitInAYear() {
        let groups = #"[{"name": "u", "count": 1, "script": [{"say": {"count": 10000000, "rate": "0.000001/s"}}]}]"#
        XCTAssertEqual(
            self.problems(self.scenario(groups: groups, phases: #"[{"type": "script"}]"#)),
            [#"groups[0].script[0].say.rate: 10000000 sends at "0.000001/s" take more than a year"#])
    }

    func testEveryUserNameIsCheckedNotJustTheFirstAndLast() {
        // Users 0 and 100 have 32 characters ("…0b0", "…0b1"); user 10 ("…10b0") would have 33, which the server
        // refuses, and the parser checked only the first and the last user.
        let groups = #"[{"name": "u", "count": 101, "namePattern": "abcdefghijklmnopqrstuvwxyz012{i%100}b{i/100}"}]"#
        let problems = self.problems(self.scenario(groups: groups, phases: #"[{"type": "hold", "duration": "1s"}]"#))
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasPrefix(#"groups[0].namePattern: user 10 would be "#), problems[0])
    }
}
