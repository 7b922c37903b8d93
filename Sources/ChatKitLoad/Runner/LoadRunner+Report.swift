import ChatKit
import Foundation
import NIOCore

/// What a run measured, handed from ``LoadRunner`` to its report assembly.
struct LoadRunResults {
    var context: LoadRunContext
    var loopMetrics: [LoopMetrics]
    var accounts: [UserAccounting]
    /// The simulated users of this process (some may have left no accounting).
    var userCount: Int
    /// Copies still missing when the drain ended.
    var outstanding: Int
    /// Every target, comma-separated.
    var targetText: String
    var embedded: Bool
    var startedAt: Date
    var measuredSeconds: Double
    var timeSeries: [LoadReport.TimeSeriesPoint]
    var statsBefore: ServerStats.Snapshot?
    var statsAfter: ServerStats.Snapshot?
    var cpuAtStart: Double
    var residentAtStart: Int?
    var cpuUtilization: Double?
    /// The phase under way when a stop came (or `drain`).
    var stoppedIn: String
    var phasesNotRun: [String]
}

// Report assembly: from the run's measurements to a ``LoadReport``, and the server's admin stats taken
// before and after the run.
extension LoadRunner {
    /// Builds the report from what the run measured: the counters, the latency families, the generator's own
    /// figures, the notes, and the verdict of the thresholds.
    static func report(_ results: LoadRunResults, options: LoadRunOptions) -> LoadReport {
        let context = results.context
        let plan = context.plan
        let scenario = plan.scenario
        let loopMetrics = results.loopMetrics
        let accounts = results.accounts
        let userCount = results.userCount
        let outstanding = results.outstanding
        let (targetText, embedded, startedAt) = (results.targetText, results.embedded, results.startedAt)
        let measuredSeconds = results.measuredSeconds
        let timeSeries = results.timeSeries
        let (statsBefore, statsAfter) = (results.statsBefore, results.statsAfter)
        let (cpuAtStart, residentAtStart) = (results.cpuAtStart, results.residentAtStart)
        let cpuUtilization = results.cpuUtilization
        let (stop, stoppedIn, phasesNotRun) = (options.stop, results.stoppedIn, results.phasesNotRun)
        var metrics = LoadMetrics()
        for loop in loopMetrics { metrics.merge(loop.totals) }
        metrics.fanoutSpread.merge(context.fanout.histogram)
        let delivery = DeliveryTotals.compute(
            accounts, rawSendCount: context.rawSendCounter.load(ordering: .relaxed),
            roomSendCounts: context.roomSends.all)
        let plannedArrivals = Self.plannedLocalArrivals(plan)
        var counters = Self.counters(metrics, delivery)
        counters[.usersTotal] = userCount
        counters[.usersNeverConnected] = accounts.filter { !$0.wasEverReady }.count + (userCount - accounts.count)
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
                LoadLatency.recoveryReconnect.rawValue: .init(metrics.recovery.reconnectTime),
                LoadLatency.recovered.rawValue: .init(metrics.recovery.recoveredLatency),
            ],
            errors: metrics.errors, timeSeries: timeSeries, thresholds: [],
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
            .recoveryChurned: metrics.recovery.churned, .recoverySkipped: metrics.recovery.skipped,
            .recoveryReconnects: metrics.recovery.reconnects, .recoveryReconnectsFailed: metrics.recovery.reconnectsFailed,
            .recoveryRejoins: metrics.recovery.rejoins, .recoveryRecovered: metrics.recovery.recovered,
            .recoveryGaps: metrics.recovery.gaps, .recoveryHeldSends: metrics.recovery.heldSends,
        ]
        return Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
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

    static func adminStats(
        _ base: String?, _ authorization: String?, _ transport: LoadHTTPTransport?, _ scenario: Scenario
    ) async -> ServerStats.Snapshot? {
        guard scenario.admin != nil, let base, let authorization, let transport else { return nil }
        let request = LoadHTTPRequest(
            method: "GET", url: base + "/admin/stats", headers: [("Authorization", authorization)], timeoutSeconds: 5)
        guard case .success(let response) = await transport.perform(request), response.status == 200 else { return nil }
        return try? JSONDecoder().decode(ServerStats.Snapshot.self, from: response.body)
    }
}
