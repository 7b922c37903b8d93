/// The built-in checks every run gets on top of its scenario's thresholds: a run that did not happen as planned
/// does not pass, whatever its thresholds say (docs/scenarios.md, "Run checks"). A scenario that expects faults
/// allows some with its `tolerate` block (``RunTolerance``), keyed by these raw values.
public enum RunCheck: String, CaseIterable, Codable, Sendable {
    /// Every user connected (and joined its rooms) at least once.
    case neverConnected
    /// No user lost its connection (chatctl's own closes at the end are not counted).
    case disconnects
    /// No send failed (not connected, no room, full queue, no whisper target).
    case failedSends
    /// Every planned open-model send went out (sent or failed; not skipped because the run ended early).
    case unsentSends
    /// Every script ran to its end instead of being cut short by its phase's duration.
    case stoppedScripts
    /// The drain ended with no copy outstanding for a member still connected.
    case outstanding
    /// Every user a churn phase disconnected came back (connected and rejoined its rooms).
    case failedReconnects
    /// Every rejoin after a churn recovered what the user missed (no `recovered: false`).
    case recoveryGaps

    /// The counter the check reads.
    public var counter: String {
        switch self {
        case .neverConnected: return LoadCounter.usersNeverConnected.rawValue
        case .disconnects: return LoadCounter.usersDisconnected.rawValue
        case .failedSends: return LoadCounter.sendsFailed.rawValue
        case .unsentSends: return LoadCounter.sendsUnsent.rawValue
        case .stoppedScripts: return LoadCounter.scriptsStopped.rawValue
        case .outstanding: return LoadCounter.drainOutstanding.rawValue
        case .failedReconnects: return LoadCounter.recoveryReconnectsFailed.rawValue
        case .recoveryGaps: return LoadCounter.recoveryGaps.rawValue
        }
    }

    /// The counter a percentage limit is taken of (`sends.failed` of every send tried).
    func base(in counters: [String: Int]) -> Int {
        let c = { (counter: LoadCounter) in counters[counter] ?? 0 }
        switch self {
        case .neverConnected, .disconnects: return c(.usersTotal)
        case .failedSends: return c(.sendsTotal) + c(.sendsFailed)
        case .unsentSends: return c(.sendsPlanned)
        case .stoppedScripts: return c(.scriptsStarted)
        case .outstanding: return c(.deliveryExpected)
        case .failedReconnects: return c(.recoveryChurned)
        case .recoveryGaps: return c(.recoveryRejoins)
        }
    }

    /// Whether the check belongs to a run with these counters: the churn checks only to runs that churned (or
    /// tried to), so that other runs' summaries do not list them.
    public func applies(to counters: [String: Int]) -> Bool {
        switch self {
        case .failedReconnects, .recoveryGaps:
            let c = { (counter: LoadCounter) in counters[counter] ?? 0 }
            return c(.recoveryChurned) + c(.recoverySkipped) + c(.recoveryReconnectsFailed) + c(.recoveryGaps) > 0
        case .neverConnected, .disconnects, .failedSends, .unsentSends, .stoppedScripts, .outstanding:
            return true
        }
    }

    /// What the check asks, as the summary lists it.
    public var title: String {
        switch self {
        case .neverConnected: return "every user connected and joined its rooms"
        case .disconnects: return "no user lost its connection"
        case .failedSends: return "no send failed"
        case .unsentSends: return "every planned send went out"
        case .stoppedScripts: return "every script ran to its end"
        case .outstanding: return "the drain finished with nothing outstanding"
        case .failedReconnects: return "every churned user came back"
        case .recoveryGaps: return "every rejoin recovered what it missed"
        }
    }
}

/// How a run fared against one built-in check.
public struct RunCheckResult: Codable, Sendable, Equatable {
    /// The check (``RunCheck/rawValue``).
    public var check: String
    public var passed: Bool
    /// The counter's value, and the base a percentage limit is taken of.
    public var value: Int
    public var base: Int
    /// The scenario's `tolerate` limit for this check, when it gave one (`5`, `2%`).
    public var tolerated: String?
    /// One line saying what happened and why: `38 of 50 users disconnected: close 1006 (no close frame) at 4.1 s`.
    public var message: String
}
