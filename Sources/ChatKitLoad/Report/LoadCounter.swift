/// The name of one counter of a load report: its key in the report's `counters`, the metric a threshold names,
/// its row in the summary and on the HTML page. Each name is written once, here; docs/scenarios.md lists them
/// all (a test checks it). The `errors.CODE` counters, one per error code, are not cases: the codes come from
/// the server.
public enum LoadCounter: String, CaseIterable, Codable, Sendable {
    /// Copies of room messages members should have received.
    case deliveryExpected = "delivery.expected"
    /// Distinct copies received.
    case deliveryReceived = "delivery.received"
    /// Expected but never received.
    case deliveryLost = "delivery.lost"
    /// Copies received more than once.
    case deliveryDuplicated = "delivery.duplicated"
    /// Copies that arrived after a higher seq.
    case deliveryOutOfOrder = "delivery.outOfOrder"
    /// Whispers sent to a ready target.
    case whisperSent = "whisper.sent"
    /// Whispers received by their addressee.
    case whisperDelivered = "whisper.delivered"
    /// Sent − delivered.
    case whisperLost = "whisper.lost"
    /// Whispers received by someone who was neither sender nor addressee.
    case whisperLeaks = "whisper.leaks"
    /// Presence events members had to see (docs/scenarios.md, "Presence accounting").
    case presenceExpected = "presence.expected"
    /// Presence frames about others received.
    case presenceObserved = "presence.observed"
    /// Expected − observed, per membership.
    case presenceMissing = "presence.missing"
    /// Connection attempts, reconnects included.
    case connectAttempts = "connect.attempts"
    /// Failed connection attempts.
    case connectErrors = "connect.errors"
    /// Connections lost during the run.
    case connectDisconnects = "connect.disconnects"
    /// Times a user became ready again after a loss.
    case connectReconnects = "connect.reconnects"
    /// Say/whisper frames sent.
    case sendsTotal = "sends.total"
    /// Sends that left more than the late threshold after their planned time.
    case sendsLate = "sends.late"
    /// Sends that could not go out.
    case sendsFailed = "sends.failed"
    /// Every counted error code.
    case errorsTotal = "errors.total"
    /// Scripts started, one per user with a script per `script` phase.
    case scriptsStarted = "scripts.started"
    /// Scripts that ran to their last step.
    case scriptsFinished = "scripts.finished"
    /// Scripts cut short by the end of their phase (its `duration`).
    case scriptsStopped = "scripts.stopped"
    /// `expect` steps run.
    case expectTotal = "expect.total"
    /// `expect` steps that timed out.
    case expectFailed = "expect.failed"
    /// `http` steps run.
    case httpTotal = "http.total"
    /// `http` steps that failed.
    case httpFailed = "http.failed"
    /// Frames sent (= `sends.total`).
    case messagesOut = "messages.out"
    /// Frames received, of every type.
    case messagesIn = "messages.in"
    /// Users this process ran.
    case usersTotal = "users.total"
    /// Users that never became ready.
    case usersNeverConnected = "users.neverConnected"
    /// Users that lost a connection during the run.
    case usersDisconnected = "users.disconnected"
    /// Open-model arrivals the plan gives this process's users.
    case sendsPlanned = "sends.planned"
    /// Planned arrivals never handed to their user.
    case sendsUnsent = "sends.unsent"
    /// Copies still missing for connected members when the drain gave up.
    case drainOutstanding = "drain.outstanding"
    /// Planned disconnections a churn phase made.
    case recoveryChurned = "recovery.churned"
    /// Planned disconnections skipped because the user picked was not ready.
    case recoverySkipped = "recovery.skipped"
    /// Churned users that were connected and in their rooms again.
    case recoveryReconnects = "recovery.reconnects"
    /// Churned users that did not come back (the reconnect failed, or had not finished by the end of the run).
    case recoveryReconnectsFailed = "recovery.reconnectsFailed"
    /// Room joins with `since` after a churn.
    case recoveryRejoins = "recovery.rejoins"
    /// Copies received through recovery (replayed after a rejoin), counted in `delivery.received`.
    case recoveryRecovered = "recovery.recovered"
    /// Rejoins answered `recovered: false`: what was missed before the history's first seq is lost.
    case recoveryGaps = "recovery.gaps"
    /// Sends planned while their user was away on a churn, held and made once it was back.
    case recoveryHeldSends = "recovery.heldSends"

    /// The counter a percentage of this one is taken of (`"delivery.lost": "< 0.1%"` is 0.1% of
    /// `delivery.expected`); `nil` for counters that are totals themselves.
    public var percentBase: LoadCounter? {
        switch self {
        case .deliveryLost, .deliveryDuplicated, .deliveryOutOfOrder, .drainOutstanding: return .deliveryExpected
        case .whisperLost, .whisperLeaks: return .whisperSent
        case .presenceMissing: return .presenceExpected
        case .connectErrors, .connectDisconnects, .connectReconnects: return .connectAttempts
        case .sendsLate, .sendsFailed, .errorsTotal: return .sendsTotal
        case .scriptsFinished, .scriptsStopped: return .scriptsStarted
        case .expectFailed: return .expectTotal
        case .httpFailed: return .httpTotal
        case .usersNeverConnected, .usersDisconnected: return .usersTotal
        case .sendsUnsent: return .sendsPlanned
        case .recoveryReconnects, .recoveryReconnectsFailed: return .recoveryChurned
        case .recoveryGaps: return .recoveryRejoins
        case .recoveryRecovered: return .deliveryReceived
        case .deliveryExpected, .deliveryReceived, .whisperSent, .whisperDelivered, .presenceExpected,
            .presenceObserved, .connectAttempts, .sendsTotal, .scriptsStarted, .expectTotal, .httpTotal, .messagesOut,
            .messagesIn, .usersTotal, .sendsPlanned, .recoveryChurned, .recoverySkipped, .recoveryRejoins,
            .recoveryHeldSends:
            return nil
        }
    }
}

extension Dictionary where Key == String, Value == Int {
    /// The value of `counter` in a report's `counters`.
    subscript(counter: LoadCounter) -> Int? {
        get { self[counter.rawValue] }
        set { self[counter.rawValue] = newValue }
    }
}
