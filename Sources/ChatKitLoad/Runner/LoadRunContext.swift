import ChatKit
import Foundation
import Atomics
import NIOCore

/// What every simulated user of one run shares: the plan, where to connect, the clock, and the few
/// cross-user facts (who is ready, fan-out receipts). Everything else a user keeps to itself.
final class LoadRunContext: Sendable {
    let plan: LoadPlan
    /// WebSocket URLs users connect to (a `name` parameter is added in chat mode): user N uses
    /// `targetURLs[N % count]`, so several cluster nodes share the users round-robin.
    let targetURLs: [WebSocketURL]
    let clientConfiguration: ClientConfiguration
    let transport: LoadHTTPTransport?
    /// Base URL that relative `http` step URLs resolve against.
    let httpBase: String?
    /// Authorization header value for admin calls, if a token is known.
    let adminAuthorization: String?
    /// A send that leaves later than this after its planned time counts as late.
    let lateThresholdNanoseconds: Int64
    /// Tokens by user index, from the scenario's tokens file (`{token}`); empty without one.
    let userTokens: [String]

    /// Whether user N is connected and in its rooms (read by whisperers choosing a target).
    private let readyFlags: [ManagedAtomic<Bool>]
    let connectedUsers = ManagedAtomic<Int>(0)
    /// Users that have been ready at least once: while it is 0 and connections keep failing, the target is
    /// unusable and the run stops early.
    let everReadyUsers = ManagedAtomic<Int>(0)
    let scriptsRunning = ManagedAtomic<Int>(0)
    /// Every raw-mode send takes the next number: a receiver counts what was sent after it connected.
    let rawSendCounter = ManagedAtomic<Int>(0)
    /// Sends to each room, numbered for protocols without a seq of their own (``RoomSendCounters``).
    let roomSends = RoomSendCounters()
    /// Cleared at the end of the measured window: what happens after is not counted.
    let measuring = ManagedAtomic<Bool>(true)
    let fanout = FanoutTracker()
    /// The instant the run started (monotonic nanoseconds).
    let startNanoseconds: Int64

    init(
        plan: LoadPlan, targetURLs: [WebSocketURL], clientConfiguration: ClientConfiguration,
        transport: LoadHTTPTransport?, httpBase: String?, adminAuthorization: String?, lateThresholdNanoseconds: Int64,
        userTokens: [String] = []
    ) {
        self.userTokens = userTokens
        self.plan = plan
        precondition(!targetURLs.isEmpty, "a run needs a target")
        self.targetURLs = targetURLs
        self.clientConfiguration = clientConfiguration
        self.transport = transport
        self.httpBase = httpBase
        self.adminAuthorization = adminAuthorization
        self.lateThresholdNanoseconds = lateThresholdNanoseconds
        self.readyFlags = plan.users.map { _ in ManagedAtomic(false) }
        self.startNanoseconds = Self.now()
    }

    var scenario: Scenario { self.plan.scenario }

    func isReady(_ userIndex: Int) -> Bool {
        userIndex < self.readyFlags.count && self.readyFlags[userIndex].load(ordering: .relaxed)
    }

    func setReady(_ userIndex: Int, _ ready: Bool) {
        let was = self.readyFlags[userIndex].exchange(ready, ordering: .relaxed)
        if was != ready { self.connectedUsers.wrappingIncrement(by: ready ? 1 : -1, ordering: .relaxed) }
    }

    /// Monotonic nanoseconds (same clock for every user, so send and receipt times compare).
    static func now() -> Int64 { Int64(NIODeadline.now().uptimeNanoseconds) }

    /// The URL user `name` (user index `userIndex`) connects to.
    func url(for name: String, userIndex: Int) -> WebSocketURL {
        let target = self.fillingPlaceholders(
            self.targetURLs[userIndex % self.targetURLs.count], name: name, userIndex: userIndex)
        if self.scenario.wireProtocol == .socketio { return SocketIOAdapter.engineURL(target) }
        guard self.scenario.wireProtocol == .chat else { return target }
        var url = target
        let separator = url.requestTarget.contains("?") ? "&" : "?"
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+"])) ?? name
        url.requestTarget += "\(separator)name=\(encoded)"
        return url
    }
}

