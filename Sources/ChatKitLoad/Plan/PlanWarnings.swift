/// Plans that are valid but cannot send as written: `chatctl run --dry-run` prints them, and a run prints them
/// before it starts. Each names the phase or group and says what will happen.
extension LoadPlan {
    /// The warnings of this plan, in phase order (empty for a plan that can send everything it plans).
    public var warnings: [String] {
        var warnings: [String] = []
        let scenario = self.scenario
        for (index, phase) in scenario.phases.enumerated() {
            guard case .arrivals(let arrivals) = phase else { continue }
            let path = "phases[\(index)] (arrivals \(arrivals.action.rawValue))"
            let schedule = self.arrivals(ofPhase: index)
            if schedule.totalCount == 0 {
                warnings.append("\(path): the rate over the duration gives no arrivals: the phase sends nothing")
                continue
            }
            if self.actors(for: arrivals).isEmpty {
                warnings.append("\(path): no user can act in it: the phase sends nothing")
                continue
            }
            switch arrivals.action {
            case .say where scenario.wireProtocol != .raw:
                var roomless = 0
                var groups = Set<String>()
                for arrival in schedule where arrival.room == nil {
                    roomless += 1
                    groups.insert(scenario.groups[self.users[arrival.userIndex].groupIndex].name)
                }
                if roomless > 0 {
                    let named = groups.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                    warnings.append(
                        "\(path): \(roomless) of \(schedule.totalCount) sends come from users who join no room "
                            + "(group \(named)): they will fail with \"\(SendFailure.noRoom)\"")
                }
            case .whisper where self.users.count < 2:
                warnings.append("\(path): only one user, so nobody to whisper to: every whisper will fail")
            default:
                break
            }
        }
        for group in scenario.groups where scenario.wireProtocol != .raw && group.rooms.isEmpty {
            if Self.saysWithoutRoomBeforeJoin(group.script) {
                warnings.append(
                    "groups \"\(group.name)\": its script says without a room before any join, and its users join "
                        + "no room: those sends will fail with \"\(SendFailure.noRoom)\"")
            }
        }
        return warnings
    }

    /// Whether `steps` reach a `say` with no room before a `join` (looking into repeats).
    private static func saysWithoutRoomBeforeJoin(_ steps: [Step]) -> Bool {
        var joined = false
        func scan(_ steps: [Step]) -> Bool {
            for step in steps {
                switch step {
                case .join: joined = true
                case .say(let say) where say.room == nil && !joined: return true
                case .repeat(_, let inner): if scan(inner) { return true }
                default: break
                }
            }
            return false
        }
        return scan(steps)
    }
}
