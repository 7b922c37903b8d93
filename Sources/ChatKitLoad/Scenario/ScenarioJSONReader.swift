import Foundation

/// Walks decoded JSON, recording a problem (with its path) for every field that is wrong. The typed fields
/// are here; the scenario's sections (groups, phases, steps, thresholds) in `ScenarioJSONReader+*.swift`.
struct ScenarioJSONReader {
    var problems: [String] = []
    /// The `churn` phases met while reading `phases` (``ChurnPhase``).
    var churn: [ChurnPhase] = []

    mutating func problem(_ path: String, _ message: String) {
        self.problems.append("\(path): \(message)")
    }

    static func describe(_ value: Any) -> String {
        switch value {
        case let string as String: return "\"\(string.prefix(60))\""
        case is NSNull: return "null"
        case let number as NSNumber:
            if Self.isBool(number) { return number.boolValue ? "true" : "false" }
            return "\(number)"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "\(value)"
        }
    }

    static func isBool(_ value: Any) -> Bool {
        // JSONSerialization gives booleans as NSNumbers whose type code is "c" (char).
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    // MARK: Typed fields

    mutating func object(_ value: Any?, _ path: String) -> [String: Any]? {
        guard let value else { return nil }
        guard let object = value as? [String: Any] else {
            self.problem(path, "expected an object, got \(Self.describe(value))")
            return nil
        }
        return object
    }

    mutating func unknownKeys(_ object: [String: Any], _ allowed: Set<String>, _ path: String) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            self.problem(path.isEmpty ? key : "\(path).\(key)", "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    mutating func string(_ object: [String: Any], _ key: String, _ path: String, required: Bool = false) -> String? {
        guard let value = object[key], !(value is NSNull) else {
            if required { self.problem(Self.join(path, key), "missing (expected a string)") }
            return nil
        }
        guard let string = value as? String else {
            self.problem(Self.join(path, key), "expected a string, got \(Self.describe(value))")
            return nil
        }
        return string
    }

    mutating func integer(_ object: [String: Any], _ key: String, _ path: String, range: ClosedRange<Int>,
                          required: Bool = false) -> Int? {
        guard let value = object[key], !(value is NSNull) else {
            if required { self.problem(Self.join(path, key), "missing (expected a whole number)") }
            return nil
        }
        guard !Self.isBool(value), let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded(),
            let integer = Int(exactly: number.doubleValue)
        else {
            self.problem(Self.join(path, key), "expected a whole number, got \(Self.describe(value))")
            return nil
        }
        guard range.contains(integer) else {
            self.problem(Self.join(path, key), "expected a number from \(range.lowerBound) to \(range.upperBound), got \(integer)")
            return nil
        }
        return integer
    }

    mutating func duration(_ object: [String: Any], _ key: String, _ path: String, required: Bool = false) -> Double? {
        guard let value = object[key], !(value is NSNull) else {
            if required { self.problem(Self.join(path, key), "missing (expected a duration such as \"10s\")") }
            return nil
        }
        return self.durationValue(value, Self.join(path, key))
    }

    mutating func durationValue(_ value: Any, _ path: String) -> Double? {
        guard let text = value as? String, let seconds = ScenarioUnits.seconds(text) else {
            self.problem(path, "expected a duration such as \"500ms\", \"10s\" or \"2m\", got \(Self.describe(value))")
            return nil
        }
        guard seconds <= ScenarioUnits.maxSeconds else {
            self.problem(path, "expected a duration of at most a year (8760h), got \(Self.describe(value))")
            return nil
        }
        return seconds
    }

    mutating func rate(_ value: Any?, _ path: String) -> Double? {
        guard let value else { return nil }
        guard let text = value as? String, let rate = ScenarioUnits.perSecond(text) else {
            self.problem(path, "expected \"N/s\", got \(Self.describe(value))")
            return nil
        }
        guard rate <= ScenarioUnits.maxPerSecond else {
            self.problem(path, "expected a rate of at most 1000000/s, got \(Self.describe(value))")
            return nil
        }
        return rate
    }

    /// The rate of a `say` or `whisper` step, which must leave time for its `count` sends within a year.
    mutating func sendRate(_ object: [String: Any], count: Int, _ path: String) -> Double? {
        guard let rate = self.rate(object["rate"], "\(path).rate") else { return nil }
        if rate > 0 && Double(count - 1) / rate > ScenarioUnits.maxSeconds {
            let rateText = Self.describe(object["rate"] ?? NSNull())
            self.problem("\(path).rate", "\(count) sends at \(rateText) take more than a year")
            return nil
        }
        return rate
    }

    mutating func stringList(_ object: [String: Any], _ key: String, _ path: String) -> [String] {
        guard let value = object[key], !(value is NSNull) else { return [] }
        guard let list = value as? [Any] else {
            self.problem(Self.join(path, key), "expected an array of strings, got \(Self.describe(value))")
            return []
        }
        var strings: [String] = []
        for (index, element) in list.enumerated() {
            guard let string = element as? String else {
                self.problem("\(Self.join(path, key))[\(index)]", "expected a string, got \(Self.describe(element))")
                continue
            }
            strings.append(string)
        }
        return strings
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
