import ChatKit
import ChatKitLoad
import FuzzSupport

/// Properties of the `LoadPlan` of a valid scenario: every user has a name the server accepts, names are
/// unique, rooms are valid, arrivals are in time order inside their phase and pick real users, shards
/// split the users, and the same scenario always gives the same plan.
enum PlanInvariants {
    static func check(_ scenario: Scenario, maxArrivals: Int) {
        let plan = LoadPlan(scenario: scenario)
        fuzzRequire(
            plan.users.count == scenario.userCount, "\(plan.users.count) planned users, \(scenario.userCount) declared")
        var names = Set<String>()
        for user in plan.users {
            if let problem = NameRules.userNameProblem(user.name) {
                fuzzFail("user \(user.indexInGroup) of group \(user.groupIndex) is \"\(user.name)\": \(problem)")
            }
            fuzzRequire(names.insert(user.name).inserted, "two users are called \"\(user.name)\"")
            fuzzRequire(plan.userIndex(named: user.name) == user.index, "userIndex(named: \"\(user.name)\")")
            for room in user.rooms {
                if let problem = NameRules.roomNameProblem(room) {
                    fuzzFail("user \"\(user.name)\" would join \"\(room)\": \(problem)")
                }
            }
            fuzzRequire(
                user.connectOffsetSeconds.isFinite && user.connectOffsetSeconds >= 0,
                "user \"\(user.name)\" connects at \(user.connectOffsetSeconds) s")
        }
        let shards = (0..<3).map { LoadPlan(scenario: scenario, shard: (index: $0, count: 3)).localUserIndexes }
        fuzzRequire(shards.joined().sorted() == Array(plan.users.indices), "3 shards do not split the users")

        let totalArrivals = scenario.phases.indices.reduce(0) { $0 + plan.arrivals(ofPhase: $1).totalCount }
        guard totalArrivals <= maxArrivals else { return }
        for (phaseIndex, phase) in scenario.phases.enumerated() {
            guard case .arrivals(let arrivals) = phase else { continue }
            Self.check(plan.arrivals(ofPhase: phaseIndex), arrivals, plan, "phases[\(phaseIndex)]")
        }
        let fingerprint = plan.fingerprint
        fuzzRequire(LoadPlan(scenario: scenario).fingerprint == fingerprint, "the same scenario planned twice differs")
    }

    private static func check(_ schedule: ArrivalSchedule, _ arrivals: Arrivals, _ plan: LoadPlan, _ path: String) {
        let groupIndex = arrivals.group.flatMap { group in plan.scenario.groups.firstIndex { $0.name == group } }
        var previousOffset = 0.0
        var count = 0
        for arrival in schedule {
            count += 1
            let offset = arrival.offsetSeconds
            fuzzRequire(offset.isFinite, "\(path): arrival \(count) at \(offset) s")
            fuzzRequire(
                offset >= previousOffset - 1e-9, "\(path): arrival \(count) at \(offset) s, before \(previousOffset) s")
            fuzzRequire(
                offset <= arrivals.seconds * (1 + 1e-9) + 1e-9,
                "\(path): arrival at \(offset) s of \(arrivals.seconds)")
            previousOffset = offset
            fuzzRequire(
                plan.users.indices.contains(arrival.userIndex), "\(path): arrival for user \(arrival.userIndex)")
            let user = plan.users[arrival.userIndex]
            if let groupIndex {
                fuzzRequire(user.groupIndex == groupIndex, "\(path): arrival for a user outside group \(groupIndex)")
            }
            switch arrivals.action {
            case .say:
                fuzzRequire(arrival.targetIndex == nil, "\(path): a say arrival with a whisper target")
                if let room = arrival.room {
                    fuzzRequire(user.rooms.contains(room), "\(path): \(user.name) says in \(room), not its room")
                } else {
                    fuzzRequire(user.rooms.isEmpty, "\(path): no room for \(user.name), who has rooms")
                }
            case .whisper:
                guard let target = arrival.targetIndex else { fuzzFail("\(path): a whisper arrival without a target") }
                fuzzRequire(plan.users.indices.contains(target), "\(path): whisper to user \(target)")
                if plan.users.count > 1 {
                    fuzzRequire(target != arrival.userIndex, "\(path): \(user.name) whispers to itself")
                }
            }
        }
        fuzzRequire(
            count == schedule.totalCount, "\(path): \(count) arrivals generated, \(schedule.totalCount) announced")
    }
}
