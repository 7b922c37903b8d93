/// Problems found in a scenario file, each naming the path of the bad field and what was expected:
/// `phases[1].rate: expected "N/s", got "fast"`.
public struct ScenarioValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { self.problems.joined(separator: "\n") }
}
