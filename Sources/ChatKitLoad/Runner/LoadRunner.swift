import Atomics
import ChatKit
import Foundation
import NIOCore
import NIOPosix

/// How a run is carried out, beside what the scenario says.
public struct LoadRunOptions: Sendable {
    /// Overrides the scenario's target. With neither, an embedded ChatKit server is started.
    public var target: String?
    /// Several servers (the nodes of a cluster) instead of one: user N connects to `targets[N % count]`.
    /// When not empty it replaces `target` and the scenario's target. Default: empty.
    public var targets: [String]
    /// HTTP calls (pre-flight health, admin stats, `http` steps); `nil` skips them.
    public var transport: LoadHTTPTransport?
    /// Event-loop threads for the simulated users. Default: one per core.
    public var threads: Int
    /// A send that leaves later than this after its planned time counts as late. Default 10 ms.
    public var lateThresholdSeconds: Double
    /// Thresholds that replace the scenario's rules for the same metric, or add to them.
    public var thresholdOverrides: [Threshold]
    /// `(index, count)` to run a deterministic 1/count of the users.
    public var shard: (index: Int, count: Int)
    /// Called once a second from a background task.
    public var onProgress: (@Sendable (LoadProgress) -> Void)?
    /// Called with the embedded server's URL when one is started.
    public var onEmbeddedServer: (@Sendable (String) -> Void)?
    /// How the simulated users (and the pre-flight) speak TLS to `wss://` targets; `nil` (default) makes a
    /// `wss://` target an error before anything connects.
    public var tls: (any ClientTLSProvider)?
    /// Stops the run early when called (chatctl wires SIGINT and SIGTERM to it); `nil` (default): runs to the end.
    public var stop: LoadRunStop? = nil
    /// The admin API's bearer token when the scenario's `admin.token` gives none (chatctl passes
    /// `$CHAT_ADMIN_TOKEN`); `nil` or empty (default): admin calls go without one. The library reads no
    /// environment variable.
    public var adminToken: String? = nil

    public init(
        target: String? = nil, transport: LoadHTTPTransport? = nil, threads: Int = System.coreCount,
        lateThresholdSeconds: Double = 0.010, thresholdOverrides: [Threshold] = [], shard: (index: Int, count: Int) = (0, 1),
        onProgress: (@Sendable (LoadProgress) -> Void)? = nil, onEmbeddedServer: (@Sendable (String) -> Void)? = nil,
        targets: [String] = [], tls: (any ClientTLSProvider)? = nil, adminToken: String? = nil
    ) {
        self.target = target
        self.targets = targets
        self.transport = transport
        self.threads = threads
        self.lateThresholdSeconds = lateThresholdSeconds
        self.thresholdOverrides = thresholdOverrides
        self.shard = shard
        self.onProgress = onProgress
        self.onEmbeddedServer = onEmbeddedServer
        self.tls = tls
        self.adminToken = adminToken
    }
}

/// A once-a-second view of a running load test.
public struct LoadProgress: Sendable {
    public var elapsedSeconds: Double
    /// Planned length of the run (scripts without a duration are not counted).
    public var plannedSeconds: Double
    public var phase: String
    public var usersConnected: Int
    public var usersTotal: Int
    public var messagesOutPerSecond: Int
    public var messagesInPerSecond: Int
    /// p99 of broadcast latency so far, in seconds.
    public var broadcastP99SoFar: Double
    /// Errors so far (error codes plus failed connection attempts).
    public var errors: Int
    /// The time-series point of the second that just ended, as the report will have it.
    public var point: LoadReport.TimeSeriesPoint
}

/// Why a run could not be carried out.
public enum LoadRunError: Error, Sendable, CustomStringConvertible {
    /// Nothing answered at the target (exit code 3).
    case targetUnreachable(url: String, reason: String)
    /// The target answered but no connection could be used: every upgrade refused (HTTP 404, 403, …), or every
    /// attempt failed (exit code 3).
    case targetUnusable(url: String, reason: String)
    /// The options or scenario do not allow a run (exit code 2).
    case invalid(String)
    /// A raw-protocol run was given no target, neither in the options nor in the scenario: there is no embedded
    /// raw server (exit code 2).
    case targetMissing

    public var description: String {
        switch self {
        case .targetUnreachable(let url, let reason): return "target unreachable: \(url): \(reason)"
        case .targetUnusable(_, let reason): return "target unusable: \(reason)"
        case .invalid(let message): return message
        case .targetMissing: return "protocol raw needs a target: set the scenario's \"target\" or the run's target"
        }
    }
}

/// Runs a scenario: connects the simulated users, plays the phases, drains, counts, and reports.
public enum LoadRunner {
    public static func run(_ scenario: Scenario, options: LoadRunOptions = LoadRunOptions()) async throws -> LoadReport {
        // Whole seconds: the report's ISO 8601 dates carry no fractions, so a round trip stays exact.
        let startedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let cpuAtStart = ProcessUsage.cpuSeconds()
        let plan = LoadPlan(scenario: scenario, shard: options.shard)

        // Where to connect: the option, the scenario, or an embedded server.
        var embeddedServer: ChatServer?
        let targetTexts: [String]
        if !options.targets.isEmpty {
            targetTexts = options.targets
        } else if let target = options.target ?? scenario.target {
            targetTexts = [target]
        } else {
            guard scenario.wireProtocol == .chat else {
                throw LoadRunError.targetMissing
            }
            // Every user connects from 127.0.0.1 and a script may join and leave in a tight loop: the embedded server
            // limits neither joins nor connections (the process's open-files limit, shared with the users, does).
            let server = try await ChatServer.start(configuration: ServerConfiguration(
                port: 0, webSocket: WebSocketConfiguration(sendQueueLimit: 4096), threads: max(1, System.coreCount / 2),
                maxConnections: 0, joinRatePerConnection: nil))
            embeddedServer = server
            targetTexts = [server.url]
            options.onEmbeddedServer?(server.url)
        }
        do {
            let report = try await Self.run(
                plan: plan, targetTexts: targetTexts, embedded: embeddedServer != nil, options: options,
                startedAt: startedAt, cpuAtStart: cpuAtStart)
            try? await embeddedServer?.shutdown()
            return report
        } catch {
            try? await embeddedServer?.shutdown()
            throw error
        }
    }

    private static func run(
        plan: LoadPlan, targetTexts: [String], embedded: Bool, options: LoadRunOptions, startedAt: Date,
        cpuAtStart: Double
    ) async throws -> LoadReport {
        let scenario = plan.scenario
        var targetURLs: [WebSocketURL] = []
        for text in targetTexts {
            do { targetURLs.append(try WebSocketURL(text)) } catch { throw LoadRunError.invalid("target: \(error)") }
        }
        if options.tls == nil, let secure = targetURLs.first(where: \.isSecure) {
            throw LoadRunError.invalid("target: \(WebSocketClientError.tlsNotConfigured(secure.description))")
        }
        for targetURL in targetURLs {
            try await Self.preflight(
                targetURL, tls: options.tls, transport: options.transport, protocol: scenario.wireProtocol)
        }
        // The report names every target (comma-separated); HTTP calls go to the first one.
        let targetText = targetTexts.joined(separator: ",")

        let httpBase = scenario.admin?.url ?? LoadURLs.httpBase(of: targetTexts[0])
        let adminToken = scenario.admin?.token ?? options.adminToken
        let adminAuthorization = adminToken.flatMap { $0.isEmpty ? nil : "Bearer \($0)" }
        let statsBefore = await Self.adminStats(httpBase, adminAuthorization, options.transport, scenario)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        var clientConfiguration = ClientConfiguration()
        clientConfiguration.connectTimeout = .fromSeconds(scenario.connectTimeoutSeconds)
        clientConfiguration.webSocket.pingInterval = nil  // the server pings; users answer
        clientConfiguration.webSocket.sendQueueLimit = 65_536
        clientConfiguration.webSocket.sendQueueBytes = .max  // the generator's queue is bounded in frames
        clientConfiguration.tls = options.tls
        let context = LoadRunContext(
            plan: plan, targetURLs: targetURLs, clientConfiguration: clientConfiguration, transport: options.transport,
            httpBase: httpBase, adminAuthorization: adminAuthorization,
            lateThresholdNanoseconds: Int64(options.lateThresholdSeconds * 1e9))
        let loops = Array(group.makeIterator())
        let loopMetrics = loops.map { _ in LoopMetrics() }
        // Before any user exists, after everything the run needs whatever its size (threads, libcurl, the plan).
        let residentAtStart = ProcessUsage.residentBytes()
        let users: [SimulatedUser] = plan.localUserIndexes.enumerated().map { position, userIndex in
            let loopIndex = position % loops.count
            return SimulatedUser(
                planned: plan.users[userIndex], eventLoop: loops[loopIndex], run: context, metrics: loopMetrics[loopIndex])
        }

        let series = TimeSeriesRecorder(context: context, loopMetrics: loopMetrics, plan: plan, onProgress: options.onProgress)
        let reporter = Task { await series.run() }

        // The phases, in order. Users connect in the first ramp-up, or all at once before the first phase.
        // A stop (options.stop) ends the phase under way within about 20 ms and skips the rest. A target that
        // refuses every connection stops the run there (exit 3), rather than playing it against nobody.
        let stop = options.stop
        var stoppedIn = "connect"
        var phasesNotRun: [String] = []
        do {
            if case .rampUp = scenario.phases.first {} else {
                series.phase = "connect"
                try await Self.connect(users, context: context, loopMetrics: loopMetrics, rampSeconds: 0, stop: stop)
            }
        } catch {
            reporter.cancel()
            try? await group.shutdownGracefully()
            throw error
        }
        // The load window, for the generator's CPU utilization: from the first phase after connecting to the end
        // of the drain.
        var loadWindowStart: (cpu: Double, nanoseconds: Int64)?
        for (phaseIndex, phase) in scenario.phases.enumerated() {
            if stop?.isStopped == true {
                phasesNotRun = scenario.phases[phaseIndex...].map(\.kind)
                break
            }
            stoppedIn = phase.kind
            series.phase = phase.kind
            if loadWindowStart == nil, phase.kind != "rampUp" {
                loadWindowStart = (ProcessUsage.cpuSeconds(), LoadRunContext.now())
            }
            switch phase {
            case .rampUp(let seconds):
                do {
                    try await Self.connect(
                        users, context: context, loopMetrics: loopMetrics, rampSeconds: seconds, stop: stop)
                } catch {
                    reporter.cancel()
                    try? await group.shutdownGracefully()
                    throw error
                }
            case .arrivals(let arrivals):
                await Self.dispatch(
                    plan.arrivals(ofPhase: phaseIndex), arrivals, users: users, plan: plan, group: group, stop: stop)
            case .script(let maxSeconds):
                await Self.runScripts(users, plan: plan, context: context, maxSeconds: maxSeconds ?? 600, stop: stop)
            case .hold(let seconds):
                await Self.sleep(seconds: seconds, stop: stop)
            }
        }
        if stop?.isStopped != true { stoppedIn = "drain" }
        series.phase = "drain"
        let outstanding = await Self.drain(
            users, loopMetrics, sharded: plan.isSharded, maxSeconds: scenario.drainSeconds, stop: stop)
        let cpuUtilization = loadWindowStart.flatMap { start -> Double? in
            let wallSeconds = Double(LoadRunContext.now() - start.nanoseconds) / 1e9
            guard wallSeconds > 0 else { return nil }
            let utilization = (ProcessUsage.cpuSeconds() - start.cpu) / (wallSeconds * Double(System.coreCount))
            return (utilization * 1000).rounded() / 1000
        }

        // Stop counting, gather, tear down.
        context.measuring.store(false, ordering: .relaxed)
        let measuredSeconds = Double(LoadRunContext.now() - context.startNanoseconds) / 1e9
        var accounts: [UserAccounting] = []
        for user in users {
            if let account = try? await user.eventLoop.submit({ user.finishAccounting() }).get() {
                accounts.append(account)
            }
        }
        context.fanout.settle(nowNanoseconds: LoadRunContext.now(), everything: true)
        reporter.cancel()
        _ = await reporter.result
        let statsAfter = await Self.adminStats(httpBase, adminAuthorization, options.transport, scenario)
        var closeLimit = clientConfiguration.webSocket.closeTimeout
        if stop?.isStopped == true { closeLimit = min(closeLimit, .seconds(1)) }
        if stop?.isUrgent == true { closeLimit = min(closeLimit, .milliseconds(200)) }
        await Self.closeConnections(users, limit: closeLimit)
        try? await group.shutdownGracefully()

        var metrics = LoadMetrics()
        for loop in loopMetrics { metrics.merge(loop.totals) }
        metrics.fanoutSpread.merge(context.fanout.histogram)
        let delivery = DeliveryTotals.compute(accounts, rawSendCount: context.rawSendCounter.load(ordering: .relaxed))
        let plannedArrivals = Self.plannedLocalArrivals(plan)
        var counters = Self.counters(metrics, delivery)
        counters[.usersTotal] = users.count
        counters[.usersNeverConnected] = accounts.filter { !$0.wasEverReady }.count + (users.count - accounts.count)
        counters[.usersDisconnected] = accounts.filter(\.lostConnection).count
        counters[.sendsPlanned] = plannedArrivals
        counters[.sendsUnsent] = max(0, plannedArrivals - metrics.arrivalsPerformed)
        counters[.drainOutstanding] = outstanding

        var report = LoadReport(
            scenario: .init(
                name: scenario.name, seed: scenario.seed, wireProtocol: scenario.wireProtocol, users: plan.users.count,
                localUsers: plan.localUserIndexes.count,
                shard: plan.isSharded ? "\(options.shard.index + 1)/\(options.shard.count)" : nil,
                target: targetText, embeddedServer: embedded, planFingerprint: plan.fingerprint),
            startedAt: startedAt, durationSeconds: (measuredSeconds * 1000).rounded() / 1000,
            counters: counters,
            latency: [
                LoadLatency.broadcast.rawValue: .init(metrics.broadcastLatency),
                LoadLatency.whisper.rawValue: .init(metrics.whisperLatency),
                LoadLatency.echo.rawValue: .init(metrics.echoLatency),
                LoadLatency.connect.rawValue: .init(metrics.connectLatency),
                LoadLatency.fanoutSpread.rawValue: .init(metrics.fanoutSpread),
                LoadLatency.broadcastFromSend.rawValue: .init(metrics.broadcastFromSend),
                LoadLatency.whisperFromSend.rawValue: .init(metrics.whisperFromSend),
                LoadLatency.echoFromSend.rawValue: .init(metrics.echoFromSend),
            ],
            errors: metrics.errors, timeSeries: series.points, thresholds: [],
            failures: metrics.failures, tolerate: scenario.tolerate.limits.isEmpty ? nil : scenario.tolerate, passed: true,
            serverStatsBefore: statsBefore, serverStatsAfter: statsAfter,
            generator: .init(
                sends: metrics.sends, lateSends: metrics.lateSends, lateThresholdSeconds: options.lateThresholdSeconds,
                maxSendLagSeconds: Double(metrics.maxSendLagNanoseconds) / 1e9, failedSends: metrics.failedSends,
                cpuSeconds: ProcessUsage.cpuSeconds() - cpuAtStart, peakResidentBytes: ProcessUsage.peakResidentBytes(),
                residentBytesAtStart: residentAtStart, cpuUtilization: cpuUtilization, cpuCores: System.coreCount),
            notes: (embedded ? ["The embedded server ran in this process: generator CPU and memory include it."] : []) + [
                "Latency of planned sends is measured from the planned send time, not from when the generator got "
                    + "round to sending (coordinated-omission correction, as wrk2 does); the *FromSend families time "
                    + "the same copies from the actual send time, without the generator's own lag.",
                "Delivery is counted from each member's joined seq to its left seq (or the room's last seq).",
            ])
        if plan.isSharded && scenario.wireProtocol == .chat { report.roomTails = RoomTail.tails(accounts) }
        let planWarnings = plan.warnings
        if !planWarnings.isEmpty { report.warnings = planWarnings.map { "plan: \($0)" } }
        report.refreshGeneratorWarning()
        if let stop, let first = stop.first {
            let atSeconds = Double(max(0, first.atNanoseconds - context.startNanoseconds)) / 1e9
            report.interrupted = true
            report.interruption = .init(
                signal: first.signal, atSeconds: (atSeconds * 1000).rounded() / 1000, phase: stoppedIn,
                phasesNotRun: phasesNotRun, drainEndedBy: stop.second)
            report.notes.append(
                "The run was stopped early by \(first.signal): no new sends after it, in-flight messages drained for "
                    + "at most \(Int(LoadRunStop.drainLimitSeconds)) s; counts cover what was measured until then.")
        }
        report.evaluate(Threshold.merging(scenario.thresholds, overrides: options.thresholdOverrides))
        return report
    }

    static func counters(_ metrics: LoadMetrics, _ delivery: DeliveryTotals) -> [String: Int] {
        let counts: [LoadCounter: Int] = [
            .deliveryExpected: delivery.expected, .deliveryReceived: delivery.received,
            .deliveryLost: delivery.lost, .deliveryDuplicated: delivery.duplicated,
            .deliveryOutOfOrder: delivery.outOfOrder,
            .whisperSent: metrics.whispersSent, .whisperDelivered: metrics.whispersDelivered,
            .whisperLost: max(0, metrics.whispersSent - metrics.whispersDelivered), .whisperLeaks: metrics.whisperLeaks,
            .presenceExpected: delivery.presenceExpected, .presenceObserved: delivery.presenceObserved,
            .presenceMissing: delivery.presenceMissing,
            .connectAttempts: metrics.connectAttempts, .connectErrors: metrics.connectErrors,
            .connectDisconnects: metrics.disconnects, .connectReconnects: metrics.reconnects,
            .sendsTotal: metrics.sends, .sendsLate: metrics.lateSends, .sendsFailed: metrics.failedSends,
            .errorsTotal: metrics.errorTotal,
            .scriptsStarted: metrics.scriptsStarted, .scriptsFinished: metrics.scriptsFinished,
            .scriptsStopped: metrics.scriptsStopped,
            .expectTotal: metrics.expectTotal, .expectFailed: metrics.expectFailed,
            .httpTotal: metrics.httpTotal, .httpFailed: metrics.httpFailed,
            .messagesOut: metrics.messagesOut, .messagesIn: metrics.messagesIn,
        ]
        return Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }

    // MARK: Phases

    /// Connects every user, spread over `rampSeconds`, and waits until each is ready or has failed. Throws
    /// ``LoadRunError/targetUnusable(url:reason:)`` as soon as the target is clearly unusable: no user has ever been
    /// ready and the first connection attempts (five, or every user if fewer) all failed.
    /// After a stop the connects not yet started are skipped (not cancelled: a cancel searches the loop's queue
    /// of scheduled tasks, quadratic over thousands of users) and the wait ends.
    static func connect(
        _ users: [SimulatedUser], context: LoadRunContext, loopMetrics: [LoopMetrics], rampSeconds: Double,
        stop: LoadRunStop? = nil
    ) async throws {
        guard stop?.isStopped != true else { return }
        let failed = ManagedAtomic<Int>(0)
        let start = LoadRunContext.now()
        for user in users {
            let offset = Int64(user.planned.connectOffsetSeconds * 1e9)
            let delay = max(0, start + offset - LoadRunContext.now())
            user.eventLoop.scheduleTask(in: .nanoseconds(delay)) {
                if stop?.isStopped == true { return }
                user.connect { connected in
                    if !connected { failed.wrappingIncrement(ordering: .relaxed) }
                }
            }
        }
        // Connected means in its rooms too: wait until every user is ready or has failed for good, bounded
        // by the ramp-up and the connect timeout.
        let deadline = ContinuousClock.now + .seconds(rampSeconds + context.scenario.connectTimeoutSeconds + 1)
        while ContinuousClock.now < deadline {
            let settled = context.connectedUsers.load(ordering: .relaxed) + failed.load(ordering: .relaxed)
            if settled >= users.count { break }
            if context.everReadyUsers.load(ordering: .relaxed) == 0 {
                let errors = loopMetrics.reduce(ProgressCounters()) { $0 + $1.progressCounters }.connectErrors
                if errors >= min(users.count, Self.attemptsBeforeGivingUp) {
                    throw Self.unusableTarget(context: context, loopMetrics: loopMetrics)
                }
            }
            if stop?.isStopped == true { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Failed connection attempts, with no user ever connected, after which a target counts as unusable.
    static let attemptsBeforeGivingUp = 5

    /// Why the target is unusable, from the causes of the failed attempts: `every upgrade refused: HTTP 404 Not
    /// Found from ws://…/nowhere`, or `no connection could be made: Connection refused (ws://…)`.
    private static func unusableTarget(context: LoadRunContext, loopMetrics: [LoopMetrics]) -> LoadRunError {
        var failures = FailureCauses()
        for loop in loopMetrics { failures.merge(loop.totals.failures) }
        let causes = FailureCauses.sorted(failures.connect)
        let url = context.targetURLs.map(\.description).joined(separator: ", ")
        let attempts = causes.reduce(0) { $0 + $1.tally.count }
        let listed = causes.prefix(3).map { $0.cause }.joined(separator: "; ")
        if !causes.isEmpty, causes.allSatisfy({ FailureCauseText.isRefusedUpgrade($0.cause) }) {
            return .targetUnusable(url: url, reason: "every upgrade refused: \(listed) from \(url) (\(attempts) attempts)")
        }
        return .targetUnusable(url: url, reason: "no connection could be made: \(listed) (\(url), \(attempts) attempts)")
    }

    /// Open-model arrivals the plan gives this process's users, over every phase.
    static func plannedLocalArrivals(_ plan: LoadPlan) -> Int {
        var count = 0
        for (index, phase) in plan.scenario.phases.enumerated() {
            guard case .arrivals = phase else { continue }
            for arrival in plan.arrivals(ofPhase: index) where plan.isLocal(arrival.userIndex) { count += 1 }
        }
        return count
    }

    /// Waits `seconds`, or until a stop.
    private static func sleep(seconds: Double, stop: LoadRunStop?) async {
        guard let stop else {
            try? await Task.sleep(for: .seconds(seconds))
            return
        }
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !stop.isStopped {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return }
            try? await Task.sleep(for: min(left, .milliseconds(20)))
        }
    }

    /// Plays an open-model phase: each arrival goes to its user's loop at its planned time.
    private static func dispatch(
        _ schedule: ArrivalSchedule, _ arrivals: Arrivals, users: [SimulatedUser], plan: LoadPlan,
        group: EventLoopGroup, stop: LoadRunStop?
    ) async {
        var usersByIndex: [Int: SimulatedUser] = [:]
        for user in users { usersByIndex[user.planned.index] = user }
        let local = usersByIndex
        let dispatcher = ArrivalDispatcher(
            schedule: schedule, arrivals: arrivals, users: local, start: LoadRunContext.now(), eventLoop: group.next(),
            stop: stop)
        await dispatcher.run()
    }

    /// Starts every user's script and waits until all are done, or `maxSeconds` from the start of the phase.
    /// A stop ends the phase: the scripts stop where they are.
    static func runScripts(
        _ users: [SimulatedUser], plan: LoadPlan, context: LoadRunContext, maxSeconds: Double, stop: LoadRunStop? = nil
    ) async {
        let deadline = ContinuousClock.now + .seconds(maxSeconds)
        // Wait until every script has started before watching the count of running scripts: a loop still busy
        // with the ramp-up (presence frames of a large room, a slow sanitizer build) starts them late, and a
        // count read before then is 0 and would end the phase before any script ran.
        let started = users.map { user in
            let steps = plan.scenario.groups[user.planned.groupIndex].script
            return user.eventLoop.submit { user.startScript(steps: steps) }
        }
        for start in started { try? await start.get() }
        while ContinuousClock.now < deadline && context.scriptsRunning.load(ordering: .relaxed) > 0
            && stop?.isStopped != true
        {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for user in users { user.eventLoop.execute { user.stopScript() } }
    }

    /// Closes every user's connection with a close handshake, so the server sees users leave rather than
    /// connections reset, and waits until they are closed: at most `limit` (the close timeout), as a server
    /// that does not answer the close must not hold the report up (the event loops' shutdown drops the rest).
    private static func closeConnections(_ users: [SimulatedUser], limit: TimeAmount) async {
        let closes = users.map { user in user.eventLoop.flatSubmit { user.closeForShutdown() } }
        guard let loop = users.first?.eventLoop else { return }
        let done = loop.makePromise(of: Void.self)
        let deadline = loop.scheduleTask(in: limit) { done.succeed() }
        EventLoopFuture.andAllComplete(closes, on: loop).whenComplete { _ in
            deadline.cancel()
            done.succeed()
        }
        try? await done.futureResult.get()
    }

    /// Waits for the copies still in flight, at most `maxSeconds`. It ends once every send has been answered
    /// (its echo, or an error), every whisper sent has been delivered, and no member of a room is missing a
    /// seq up to the room's last (nor a raw user a copy): then the accounting would count nothing as lost.
    /// Copies that never come keep it waiting to `maxSeconds`, so a starved machine or a slow server is given
    /// the whole drain before a copy is called lost. A shard cannot see the other shards' sends, so sharded runs
    /// also wait until nothing has arrived for 300 ms (whispers are only sent to a shard's own users).
    ///
    /// After a stop it waits at most ``LoadRunStop/drainLimitSeconds`` from the stop, and a second stop ends it.
    /// Returns the copies still missing for members still connected when it ended: 0 unless it gave up.
    @discardableResult
    static func drain(
        _ users: [SimulatedUser], _ loopMetrics: [LoopMetrics], sharded: Bool, maxSeconds: Double,
        stop: LoadRunStop? = nil
    ) async -> Int {
        var deadline = ContinuousClock.now + .seconds(maxSeconds)
        var usersByLoop: [ObjectIdentifier: (loop: EventLoop, users: [SimulatedUser])] = [:]
        for user in users { usersByLoop[ObjectIdentifier(user.eventLoop), default: (user.eventLoop, [])].users.append(user) }
        var lastIn = -1
        var quietSince = ContinuousClock.now
        while ContinuousClock.now < deadline {
            if let stop, let first = stop.first {
                if stop.isUrgent { return await Self.copiesOutstanding(usersByLoop) }
                deadline = min(deadline, first.at + .seconds(LoadRunStop.drainLimitSeconds))
            }
            let counters = loopMetrics.reduce(ProgressCounters()) { $0 + $1.progressCounters }
            if counters.messagesIn != lastIn {
                lastIn = counters.messagesIn
                quietSince = ContinuousClock.now
            }
            let answered = counters.answers >= counters.sends && counters.whispersDelivered >= counters.whispersSent
            if answered && (!sharded || ContinuousClock.now - quietSince >= .milliseconds(300)) {
                if await Self.copiesOutstanding(usersByLoop) == 0 { return 0 }
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return await Self.copiesOutstanding(usersByLoop)
    }

    /// ``DeliveryProgress/copiesOutstanding(_:)`` over every user, each loop asked once.
    private static func copiesOutstanding(
        _ usersByLoop: [ObjectIdentifier: (loop: EventLoop, users: [SimulatedUser])]
    ) async -> Int {
        var progress: [DeliveryProgress] = []
        for (loop, loopUsers) in usersByLoop.values {
            if let taken = try? await loop.submit({ loopUsers.map { $0.deliveryProgress() } }).get() {
                progress += taken
            }
        }
        return DeliveryProgress.copiesOutstanding(progress)
    }

    // MARK: HTTP

    private static func preflight(
        _ url: WebSocketURL, tls: (any ClientTLSProvider)?, transport: LoadHTTPTransport?, protocol: LoadProtocol
    ) async throws {
        if url.isSecure, let tls {
            // A completed TLS handshake: reachable, and the certificate is trusted (a bad one is "unreachable"
            // too, not thousands of failed connections).
            do {
                try await TLSHandshakeProbe.run(url, tls: tls, timeout: .seconds(5))
            } catch let error as WebSocketClientError {
                let reason: String
                switch error {
                case .unreachable(_, let why): reason = why
                case .tlsHandshakeFailed(_, let why): reason = "TLS handshake failed: \(why)"
                case .connectTimeout: reason = "TLS handshake timed out"
                default: reason = "\(error)"
                }
                throw LoadRunError.targetUnreachable(url: url.description, reason: reason)
            }
        } else {
            // A TCP connection tells reachable from not, whatever the server speaks.
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(5))
                    .connect(host: url.host, port: url.port).get()
                try? await channel.close()
            } catch {
                throw LoadRunError.targetUnreachable(
                    url: url.description, reason: ConnectErrorDescription.describe(error))
            }
        }
        guard `protocol` == .chat, let transport, let base = LoadURLs.httpBase(of: url.description) else { return }
        let result = await transport.perform(LoadHTTPRequest(method: "GET", url: base + "/healthz", timeoutSeconds: 5))
        if case .failure(let error) = result, error.isUnreachable {
            throw LoadRunError.targetUnreachable(url: base + "/healthz", reason: error.message)
        }
    }

    private static func adminStats(
        _ base: String?, _ authorization: String?, _ transport: LoadHTTPTransport?, _ scenario: Scenario
    ) async -> ServerStats.Snapshot? {
        guard scenario.admin != nil, let base, let authorization, let transport else { return nil }
        let request = LoadHTTPRequest(
            method: "GET", url: base + "/admin/stats", headers: [("Authorization", authorization)], timeoutSeconds: 5)
        guard case .success(let response) = await transport.perform(request), response.status == 200 else { return nil }
        return try? JSONDecoder().decode(ServerStats.Snapshot.self, from: response.body)
    }
}
