import Foundation

// The `churn` phase: `{"type": "churn", "rate": "5/s", "mode": "reset", "duration": "10s", "group": "g",
// "recover": true}`, which runs alongside the phase that follows it.
extension ScenarioJSONReader {
    /// Reads one churn phase at `path`; it will run alongside `phases[alongside]` (the next phase that is not churn).
    mutating func churnPhase(_ object: [String: Any], _ path: String, alongside: Int, groups: [UserGroup]) {
        self.unknownKeys(object, ["type", "rate", "mode", "duration", "away", "group", "recover"], path)
        var rate: Double?
        if object["rate"] == nil {
            self.problem("\(path).rate", "missing (expected \"N/s\", disconnections per second)")
        } else {
            rate = self.rate(object["rate"], "\(path).rate")
            if let value = rate, !(value > 0) {
                self.problem("\(path).rate", "expected a rate above 0/s, got \(Self.describe(object["rate"] ?? NSNull()))")
                rate = nil
            }
        }
        var mode = ChurnMode.reset
        if let text = self.string(object, "mode", path) {
            if let value = ChurnMode(rawValue: text) { mode = value } else {
                self.problem("\(path).mode", "expected \"reset\", \"close\" or \"kick\", got \"\(text)\"")
            }
        }
        let seconds = self.duration(object, "duration", path)
        if let seconds, !(seconds > 0) { self.problem("\(path).duration", "expected a duration above 0s") }
        let away = self.duration(object, "away", path) ?? 0
        let group = self.string(object, "group", path)
        if let group, !groups.contains(where: { $0.name == group }) {
            self.problem("\(path).group", "no group named \"\(group)\"")
        }
        var recover = true
        if let value = object["recover"] {
            if Self.isBool(value), let flag = value as? Bool { recover = flag } else {
                self.problem("\(path).recover", "expected true or false, got \(Self.describe(value))")
            }
        }
        guard let rate else { return }
        self.churn.append(ChurnPhase(
            ratePerSecond: rate, mode: mode, seconds: seconds, awaySeconds: away, group: group, recover: recover, alongside: alongside))
    }

    /// Every churn phase needs a phase after it to run alongside, and that phase must not be the ramp-up (users
    /// are still connecting then).
    mutating func checkChurnPlacement(phases: [Phase], list: [Any]) {
        var nonChurnSeen = 0
        for (index, element) in list.enumerated() {
            guard let object = element as? [String: Any], let type = object["type"] as? String else { continue }
            guard type == "churn" else {
                nonChurnSeen += 1
                continue
            }
            let path = "phases[\(index)]"
            if nonChurnSeen >= phases.count {
                self.problem(path, "a churn phase runs alongside the phase after it, and none follows")
            } else if case .rampUp = phases[nonChurnSeen] {
                self.problem(path, "a churn phase cannot run alongside rampUp (users are still connecting)")
            }
        }
    }
}
