import ChatKit
import ChatKitLoad

/// The `--dry-run` view of a plan: what would connect, where, and when.
enum PlanDescription {
    static func describe(_ plan: LoadPlan) -> String {
        let scenario = plan.scenario
        var lines = ["scenario \(scenario.name): valid", "seed \(scenario.seed)", "users \(plan.users.count) (local \(plan.localUserIndexes.count))"]
        for group in scenario.groups {
            let first = NamePattern.expand(group.namePattern, index: 0)
            let last = NamePattern.expand(group.namePattern, index: group.count - 1)
            let rooms = Set((0..<group.count).flatMap { index in group.rooms.map { NamePattern.expand($0, index: index) } })
            lines.append("  group \(group.name): \(group.count) users \(first)…\(last), \(rooms.count) rooms, \(group.script.count) script steps")
        }
        for (index, phase) in scenario.phases.enumerated() {
            switch phase {
            case .rampUp(let seconds): lines.append("phase \(index): rampUp over \(ScenarioUnits.describe(seconds: seconds))")
            case .hold(let seconds): lines.append("phase \(index): hold \(ScenarioUnits.describe(seconds: seconds))")
            case .script(let seconds):
                lines.append("phase \(index): script" + (seconds.map { " (at most \(ScenarioUnits.describe(seconds: $0)))" } ?? ""))
            case .arrivals(let arrivals):
                let count = plan.arrivals(ofPhase: index).totalCount
                lines.append("phase \(index): arrivals \(arrivals.action.rawValue) \(arrivals.fromRate)/s→\(arrivals.toRate)/s "
                    + "over \(ScenarioUnits.describe(seconds: arrivals.seconds)): \(count) actions")
            }
            for churn in scenario.churn where churn.alongside == index {
                lines.append("  churn \(churn.mode.rawValue) \(churn.ratePerSecond)/s alongside phase \(index)"
                    + (churn.seconds.map { " for \(ScenarioUnits.describe(seconds: $0))" } ?? "")
                    + (churn.awaySeconds > 0 ? ", away \(ScenarioUnits.describe(seconds: churn.awaySeconds))" : "")
                    + (churn.group.map { ", group \($0)" } ?? "") + (churn.recover ? ", recovering" : ", no recovery"))
            }
        }
        lines.append("thresholds \(scenario.thresholds.map { "\($0.metric) \($0.expression)" }.joined(separator: ", "))")
        lines.append("plan fingerprint \(plan.fingerprint)")
        return lines.joined(separator: "\n")
    }
}
