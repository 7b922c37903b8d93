import ChatKit
import Foundation
import NIOCore

/// One simulated user: a WebSocket connection, its script, and its own delivery accounting.
///
/// Everything here runs on the user's event loop (callbacks and scheduled tasks, never a thread or a task
/// per user), which is how one chatctl process drives thousands of users.
///
/// The state is declared here; the behaviour sits in extensions named for their part: `+Connection`,
/// `+Receiving`, `+ChatAccounting`, `+RawAccounting`, `+Sending` and `+Script`. The state is internal rather than
/// private so those files reach it; the type itself is internal to ChatKitLoad.
final class SimulatedUser: WebSocketDelegate, @unchecked Sendable {
    let planned: PlannedUser
    let eventLoop: EventLoop
    let run: LoadRunContext
    let metrics: LoopMetrics
    /// The open connection, if any (internal for tests, which pause its reads).
    var connection: WebSocketConnection?
    var random: SeededRandom
    var sentCount = 0
    var closedByRunner = false
    var reconnectAttempt = 0
    var connectStartedNanoseconds: Int64 = 0
    var wasEverReady = false
    /// Whether the user lost a connection during the run (not closed by the runner).
    var lostConnection = false

    // Chat accounting
    var memberships = RoomMemberships()
    var finished: [MembershipRecord] = []
    var pendingJoins: [String: Int64] = [:]
    var pendingLeaves: [String: Int64] = [:]
    var initialRoomsPending: Set<String> = []

    // Raw accounting
    var rawTrackers: [Int: SequenceTracker] = [:]
    var rawReadyAtCounter: Int?
    /// Distinct raw copies received (the sum of the trackers' `received`), for the drain.
    var rawReceived = 0

    /// Churn and recovery (``UserRecoveryState``; the behaviour is `+Churn` and `+Recovery`).
    var recovery = UserRecoveryState()

    /// The adapter and its accounting, for protocols other than `chat` and `raw` (`SimulatedUser+Adapter.swift`).
    var adapterSession: AdapterSession?

    /// The script interpreter's state (``ScriptState``; the interpreter is `SimulatedUser+Script.swift`).
    var scriptState = ScriptState()
    /// Padding for sized messages, by length, built once per length.
    var fillerBySize: [Int: String] = [:]

    /// The user's name as UTF-8, compared with the bytes of received frames.
    let nameBytes: [UInt8]

    init(planned: PlannedUser, eventLoop: EventLoop, run: LoadRunContext, metrics: LoopMetrics) {
        self.planned = planned
        self.nameBytes = Array(planned.name.utf8)
        self.eventLoop = eventLoop
        self.run = run
        self.metrics = metrics
        self.random = SeededRandom.derived(from: run.scenario.seed, 0x5EED_0000 + UInt64(planned.index))
        self.adapterSession = run.adapter(for: planned).map { AdapterSession(adapter: $0) }
    }

    var name: String { self.planned.name }
    var isChat: Bool { self.run.scenario.wireProtocol == .chat }

    /// Seconds since the run started, for the first sighting of a failure cause.
    func secondsIntoRun(_ now: Int64 = LoadRunContext.now()) -> Double {
        Double(now - self.run.startNanoseconds) / 1e9
    }

    // MARK: End of run

    /// What the drain needs to tell whether every copy expected of this user has arrived.
    func deliveryProgress() -> DeliveryProgress {
        self.eventLoop.assertInEventLoop()
        var progress = DeliveryProgress(open: self.memberships.all)
        for membership in self.finished {
            progress.endedHighest[membership.room] = max(
                progress.endedHighest[membership.room] ?? 0, membership.tracker.highestSeen)
        }
        if self.connection != nil, let readyAt = self.rawReadyAtCounter {
            let expected = self.run.rawSendCounter.load(ordering: .relaxed) - readyAt
            progress.rawMissing = max(0, expected - self.rawReceived)
        }
        progress.rawMissing += self.adapterMissing()
        return progress
    }

    /// Stops counting and hands over what was counted.
    func finishAccounting() -> UserAccounting {
        var memberships = self.finished
        memberships += self.memberships.all
        return UserAccounting(
            userIndex: self.planned.index, memberships: memberships, rawTrackers: self.rawTrackers,
            rawReadyAtCounter: self.rawReadyAtCounter, markerMemberships: self.adapterMemberships(),
            wasEverReady: self.wasEverReady, lostConnection: self.lostConnection)
    }
}
