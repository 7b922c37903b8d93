import ChatKit
import Foundation

// The `phases` section: ramp-up, open-model arrivals, scripts and holds.
extension ScenarioJSONReader {
    mutating func phases(_ value: Any?, groups: [UserGroup]) -> [Phase] {
        guard let value else {
            self.problem("phases", "missing (expected an array of phases)")
            return []
        }
        guard let list = value as? [Any], !list.isEmpty else {
            self.problem("phases", "expected a non-empty array of phases, got \(Self.describe(value))")
            return []
        }
        var phases: [Phase] = []
        for (index, element) in list.enumerated() {
            let path = "phases[\(index)]"
            guard let object = self.object(element, path) else { continue }
            guard let type = self.string(object, "type", path, required: true) else { continue }
            switch type {
            case "rampUp":
                self.unknownKeys(object, ["type", "duration"], path)
                if index != 0 { self.problem("\(path).type", "rampUp must be the first phase (users connect once)") }
                phases.append(.rampUp(seconds: self.duration(object, "duration", path) ?? 0))
            case "hold":
                self.unknownKeys(object, ["type", "duration"], path)
                phases.append(.hold(seconds: self.duration(object, "duration", path, required: true) ?? 0))
            case "script":
                self.unknownKeys(object, ["type", "duration"], path)
                phases.append(.script(maxSeconds: self.duration(object, "duration", path)))
            case "arrivals":
                self.unknownKeys(object, ["type", "duration", "rate", "from", "to", "group", "action", "size", "text"], path)
                let seconds = self.duration(object, "duration", path, required: true) ?? 0
                var fromRate: Double?
                var toRate: Double?
                if object["rate"] != nil {
                    fromRate = self.rate(object["rate"], "\(path).rate")
                    toRate = fromRate
                    if object["from"] != nil || object["to"] != nil {
                        self.problem(path, "give either rate or from and to, not both")
                    }
                } else if object["from"] != nil || object["to"] != nil {
                    fromRate = self.rate(object["from"], "\(path).from")
                    toRate = self.rate(object["to"], "\(path).to")
                    if object["from"] == nil { self.problem("\(path).from", "missing (expected \"N/s\")") }
                    if object["to"] == nil { self.problem("\(path).to", "missing (expected \"N/s\")") }
                } else {
                    self.problem("\(path).rate", "missing (expected \"N/s\", or from and to for a ramp)")
                }
                let group = self.string(object, "group", path)
                if let group, !groups.contains(where: { $0.name == group }) {
                    self.problem("\(path).group", "no group named \"\(group)\"")
                }
                var action = ArrivalAction.say
                if let text = self.string(object, "action", path) {
                    if let value = ArrivalAction(rawValue: text) { action = value } else {
                        self.problem("\(path).action", "expected \"say\" or \"whisper\", got \"\(text)\"")
                    }
                }
                let content = self.content(object, path) ?? .size(64)
                phases.append(.arrivals(Arrivals(
                    seconds: seconds, fromRate: fromRate ?? 0, toRate: toRate ?? 0, group: group, action: action,
                    content: content)))
            case "churn":
                self.churnPhase(object, path, alongside: phases.count, groups: groups)
            default:
                self.problem(
                    "\(path).type", "expected \"rampUp\", \"arrivals\", \"script\", \"hold\" or \"churn\", got \"\(type)\"")
            }
        }
        self.checkChurnPlacement(phases: phases, list: list)
        return phases
    }
}
