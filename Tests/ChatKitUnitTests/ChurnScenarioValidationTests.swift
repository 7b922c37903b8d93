import ChatKitLoad
import Foundation
import XCTest

/// Reading `churn` phases: what a good one becomes, and the error naming the field of each bad one.
final class ChurnScenarioValidationTests: XCTestCase {
    private func parse(phases: String, protocolName: String = "chat") throws -> Scenario {
        try ScenarioParser.parse(Data(#"""
            {"name":"c","protocol":"\#(protocolName)","groups":[{"name":"g","count":2,"rooms":["r"]}],
             "phases":\#(phases)}
            """#.utf8))
    }

    func testAChurnPhaseRunsAlongsideThePhaseAfterIt() throws {
        let scenario = try self.parse(phases: #"""
            [{"type":"rampUp","duration":"1s"},
             {"type":"churn","rate":"5/s","mode":"kick","duration":"2s","away":"100ms","group":"g","recover":false},
             {"type":"hold","duration":"3s"},
             {"type":"churn","rate":"2/s"},
             {"type":"arrivals","duration":"1s","rate":"10/s"}]
            """#)
        XCTAssertEqual(scenario.phases.map(\.kind), ["rampUp", "hold", "arrivals"])
        XCTAssertEqual(scenario.churn, [
            ChurnPhase(ratePerSecond: 5, mode: .kick, seconds: 2, awaySeconds: 0.1, group: "g", recover: false, alongside: 1),
            ChurnPhase(ratePerSecond: 2, mode: .reset, seconds: nil, awaySeconds: 0, group: nil, recover: true, alongside: 2),
        ])
    }

    func testBadChurnPhasesAreRefusedNamingTheField() {
        let hold = #"{"type":"hold","duration":"1s"}"#
        let cases: [(phases: String, expected: String)] = [
            (#"[{"type":"churn","mode":"reset"},\#(hold)]"#, "phases[0].rate: missing"),
            (#"[{"type":"churn","rate":"fast"},\#(hold)]"#, "phases[0].rate: expected \"N/s\""),
            (#"[{"type":"churn","rate":"0/s"},\#(hold)]"#, "phases[0].rate: expected a rate above 0/s"),
            (#"[{"type":"churn","rate":"5/s","mode":"drop"},\#(hold)]"#, "phases[0].mode: expected \"reset\", \"close\" or \"kick\""),
            (#"[{"type":"churn","rate":"5/s","recover":"yes"},\#(hold)]"#, "phases[0].recover: expected true or false"),
            (#"[{"type":"churn","rate":"5/s","group":"nobody"},\#(hold)]"#, "phases[0].group: no group named \"nobody\""),
            (#"[{"type":"churn","rate":"5/s","duration":"0s"},\#(hold)]"#, "phases[0].duration: expected a duration above 0s"),
            (#"[{"type":"churn","rate":"5/s","away":"soon"},\#(hold)]"#, "phases[0].away:"),
            (#"[{"type":"churn","rate":"5/s","every":"1s"},\#(hold)]"#, "phases[0].every: unknown field"),
            (#"[\#(hold),{"type":"churn","rate":"5/s"}]"#, "phases[1]: a churn phase runs alongside the phase after it, and none follows"),
            (#"[{"type":"churn","rate":"5/s"},{"type":"rampUp","duration":"1s"},\#(hold)]"#,
             "phases[0]: a churn phase cannot run alongside rampUp"),
        ]
        for (phases, expected) in cases {
            XCTAssertThrowsError(try self.parse(phases: phases), phases) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(phases): got \(error), expected \(expected)")
            }
        }
        XCTAssertThrowsError(try self.parse(phases: #"[{"type":"churn","rate":"5/s"},\#(hold)]"#, protocolName: "raw")) {
            XCTAssertTrue("\($0)".contains("churn phases need the chat protocol"), "\($0)")
        }
    }
}
