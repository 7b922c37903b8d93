import ChatKit
import ChatKitLoad
import FuzzSupport

/// Every time in a valid scenario is one the load runner can schedule: finite, not negative, and small
/// enough that the runner's conversion to `Int64` nanoseconds (`TimeAmount.fromSeconds`, the send pacing
/// of `say` and `whisper` steps) cannot trap.
enum ScenarioTimingInvariants {
    /// The largest number of seconds whose nanoseconds fit an `Int64`.
    static let maxSchedulableSeconds = Double(Int64.max) / 1e9

    static func check(_ scenario: Scenario) {
        Self.requireSchedulable(scenario.connectTimeoutSeconds, "connectTimeout")
        Self.requireSchedulable(scenario.drainSeconds, "drain")
        if let reconnect = scenario.reconnect {
            Self.requireSchedulable(reconnect.backoffSeconds, "reconnect.backoff")
            Self.requireSchedulable(reconnect.maxBackoffSeconds, "reconnect.maxBackoff")
        }
        for (index, phase) in scenario.phases.enumerated() {
            let path = "phases[\(index)]"
            switch phase {
            case .rampUp(let seconds), .hold(let seconds):
                Self.requireSchedulable(seconds, path)
            case .script(let maxSeconds):
                if let maxSeconds { Self.requireSchedulable(maxSeconds, path) }
            case .arrivals(let arrivals):
                Self.requireSchedulable(arrivals.seconds, path)
                for rate in [arrivals.fromRate, arrivals.toRate] {
                    fuzzRequire(rate.isFinite && rate >= 0, "\(path): rate \(rate)")
                }
                let arrivalsInPhase = (arrivals.fromRate + arrivals.toRate) / 2 * arrivals.seconds
                fuzzRequire(arrivalsInPhase < Double(Int.max), "\(path): \(arrivalsInPhase) arrivals do not fit an Int")
            }
        }
        for (index, group) in scenario.groups.enumerated() {
            Self.check(group.script, "groups[\(index)].script")
        }
    }

    private static func check(_ steps: [Step], _ path: String) {
        for (index, step) in steps.enumerated() {
            let stepPath = "\(path)[\(index)]"
            switch step {
            case .wait(let minSeconds, let maxSeconds):
                Self.requireSchedulable(minSeconds, stepPath)
                Self.requireSchedulable(maxSeconds, stepPath)
                fuzzRequire(minSeconds <= maxSeconds, "\(stepPath): wait min \(minSeconds) > max \(maxSeconds)")
            case .expect(let expect):
                Self.requireSchedulable(expect.timeoutSeconds, stepPath)
            case .http(let http):
                Self.requireSchedulable(http.timeoutSeconds, stepPath)
            case .say(let say):
                Self.requirePaceable(count: say.count, ratePerSecond: say.ratePerSecond, stepPath)
            case .whisper(let whisper):
                Self.requirePaceable(count: whisper.count, ratePerSecond: whisper.ratePerSecond, stepPath)
            case .repeat(let times, let inner):
                fuzzRequire(times >= 1, "\(stepPath): repeat \(times) times")
                Self.check(inner, "\(stepPath).repeat.steps")
            case .join, .leave:
                break
            }
        }
    }

    private static func requireSchedulable(_ seconds: Double, _ path: String) {
        fuzzRequire(
            seconds.isFinite && seconds >= 0 && seconds < Self.maxSchedulableSeconds,
            "\(path): \(seconds) s cannot be scheduled")
    }

    /// `count` sends paced at `ratePerSecond`: the last one is planned `(count - 1) / rate` seconds after the
    /// first, in nanoseconds.
    private static func requirePaceable(count: Int, ratePerSecond: Double?, _ path: String) {
        fuzzRequire(count >= 1, "\(path): count \(count)")
        guard let rate = ratePerSecond else { return }
        fuzzRequire(rate.isFinite && rate >= 0, "\(path): rate \(rate)")
        guard rate > 0 else { return }
        Self.requireSchedulable(Double(count - 1) / rate, "\(path) (\(count) sends at \(rate)/s)")
    }
}
