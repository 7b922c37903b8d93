extension Scenario {
    /// Why a scenario with these groups and phases cannot run against a raw broadcast server: each problem
    /// with the path of the step that whispers.
    public static func rawProblems(groups: [UserGroup], phases: [Phase]) -> [(path: String, message: String)] {
        let message = "whisper needs the chat protocol; raw servers only broadcast"
        var problems: [(String, String)] = []
        for (index, phase) in phases.enumerated() {
            if case .arrivals(let arrivals) = phase, arrivals.action == .whisper {
                problems.append(("phases[\(index)].action", message))
            }
        }
        func scan(_ steps: [Step], _ path: String) {
            for (index, step) in steps.enumerated() {
                switch step {
                case .whisper: problems.append(("\(path)[\(index)].whisper", message))
                case .repeat(_, let inner): scan(inner, "\(path)[\(index)].repeat.steps")
                default: break
                }
            }
        }
        for (index, group) in groups.enumerated() { scan(group.script, "groups[\(index)].script") }
        return problems
    }

    /// ``rawProblems(groups:phases:)`` of this scenario.
    public var rawProblems: [(path: String, message: String)] {
        Self.rawProblems(groups: self.groups, phases: self.phases)
    }
}
