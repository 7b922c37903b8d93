import ChatKit
import Foundation

// The `thresholds` and `tolerate` sections: the rules a run is judged by.
extension ScenarioJSONReader {
    mutating func thresholds(_ value: Any?) -> [Threshold] {
        guard let object = self.object(value, "thresholds") else { return [] }
        var thresholds: [Threshold] = []
        for metric in object.keys.sorted() {
            guard let expression = object[metric] as? String else {
                self.problem("thresholds.\(metric)", "expected a rule such as \"< 50ms\" or \"== 0\", got \(Self.describe(object[metric] ?? NSNull()))")
                continue
            }
            switch Threshold.parse(metric: metric, expression: expression) {
            case .success(let threshold): thresholds.append(threshold)
            case .failure(let error): self.problem("thresholds.\(metric)", error.message)
            }
        }
        return thresholds
    }

    /// `"tolerate": {"disconnects": 5, "failedSends": "2%"}`: a count, or a percentage of the check's base.
    mutating func tolerance(_ value: Any?) -> RunTolerance {
        guard let object = self.object(value, "tolerate") else { return RunTolerance() }
        let known = RunCheck.allCases.map(\.rawValue)
        var limits: [String: RunTolerance.Limit] = [:]
        for key in object.keys.sorted() {
            let path = "tolerate.\(key)"
            guard known.contains(key) else {
                self.problem(path, "unknown run check; known: \(known.joined(separator: ", "))")
                continue
            }
            let value = object[key] ?? NSNull()
            if let number = value as? NSNumber, !Self.isBool(number), number.doubleValue == number.doubleValue.rounded(),
                number.doubleValue >= 0, number.doubleValue <= 1e9
            {
                limits[key] = .count(number.intValue)
            } else if let text = value as? String, text.hasSuffix("%"),
                let percent = Double(text.dropLast().trimmingCharacters(in: .whitespaces)), percent >= 0, percent <= 100
            {
                limits[key] = .fraction(percent / 100)
            } else {
                self.problem(path, "expected a count (a whole number >= 0) or a percentage such as \"5%\", got \(Self.describe(value))")
            }
        }
        return RunTolerance(limits: limits)
    }
}
