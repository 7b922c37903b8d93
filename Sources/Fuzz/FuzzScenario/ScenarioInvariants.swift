import ChatKit
import ChatKitLoad
import Foundation
import FuzzSupport

/// What must hold for any scenario file: the parser either refuses it with problems that name a field,
/// or returns a scenario that the load runner can plan and run without trapping.
enum ScenarioInvariants {
    /// Inputs whose groups declare more users than this are skipped: validation is linear in the users
    /// (every name is checked), and the fuzzer would spend its time there.
    static let maxUsers = 2_000
    /// Plans with more arrivals than this are only counted, not generated.
    static let maxArrivals = 20_000

    /// Checks one input as scenario JSON.
    static func check(_ data: Data) {
        guard Self.declaredUsers(data) <= Double(Self.maxUsers) else { return }
        let scenario: Scenario
        do {
            scenario = try ScenarioParser.parse(data)
        } catch let error as ScenarioValidationError {
            fuzzRequire(!error.problems.isEmpty, "a validation error without problems")
            for problem in error.problems {
                fuzzRequire(problem.contains(": "), "a problem that is not \"path: message\": \(problem)")
            }
            return
        } catch {
            fuzzFail("the parser threw \(type(of: error)), not ScenarioValidationError: \(error)")
        }
        fuzzRequire((try? ScenarioParser.parse(data)) == scenario, "parsing the same bytes twice differs")
        ScenarioTimingInvariants.check(scenario)
        PlanInvariants.check(scenario, maxArrivals: Self.maxArrivals)
    }

    /// The sum of the `count` fields of the input's groups, when it is JSON of that shape; 0 otherwise.
    private static func declaredUsers(_ data: Data) -> Double {
        let root = try? JSONSerialization.jsonObject(with: data, options: [])
        guard let groups = (root as? [String: Any])?["groups"] as? [Any] else { return 0 }
        return groups.reduce(0) { sum, group in
            sum + (((group as? [String: Any])?["count"] as? NSNumber)?.doubleValue ?? 0)
        }
    }
}
