import Atomics
import ChatKit
import Foundation
import NIOCore
import NIOPosix

/// Runs a scenario: connects the simulated users, plays the phases, drains, counts, and reports.
public enum LoadRunner {
    public static func run(_ scenario: Scenario, options: LoadRunOptions = LoadRunOptions()) async throws -> LoadReport {
        // Whole seconds: the report's ISO 8601 dates carry no fractions, so a round trip stays exact.
        let startedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let cpuAtStart = ProcessUsage.cpuSeconds()
        let plan = LoadPlan(scenario: scenario, shard: options.shard)
        if let problem = scenario.adapterProblem { throw LoadRunError.invalid(problem) }
        // Before the pre-flight: a bad tokens file is the scenario's fault, whatever the target.
        let userTokens = try scenario.connection.tokensFile.map {
            try TokensFile.read($0, users: scenario.userCount)
        } ?? []

        // Where to connect: the option, the scenario, or an embedded server.
        let (targetTexts, embeddedServer) = try await Self.targets(for: scenario, options: options)
        do {
            let report = try await Self.run(
                plan: plan, targetTexts: targetTexts, embedded: embeddedServer != nil, options: options,
                startedAt: startedAt, cpuAtStart: cpuAtStart, userTokens: userTokens)
            try? await embeddedServer?.shutdown()
            return report
        } catch {
            try? await embeddedServer?.shutdown()
            throw error
        }
    }

    private static func run(
        plan: LoadPlan, targetTexts: [String], embedded: Bool, options: LoadRunOptions, startedAt: Date,
        cpuAtStart: Double, userTokens: [String]
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
        if let problem = ChurnDriver.problem(scenario, adminAuthorization: adminAuthorization, transport: options.transport) {
            throw LoadRunError.invalid(problem)
        }
        let statsBefore = await Self.adminStats(httpBase, adminAuthorization, options.transport, scenario)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        var clientConfiguration = ClientConfiguration()
        clientConfiguration.connectTimeout = .fromSeconds(scenario.connectTimeoutSeconds)
        clientConfiguration.webSocket.pingInterval = nil  // the server pings; users answer
        clientConfiguration.webSocket.sendQueueLimit = 65_536
        clientConfiguration.webSocket.sendQueueBytes = .max  // the generator's queue is bounded in frames
        clientConfiguration.tls = options.tls
        clientConfiguration.subprotocols = scenario.connection.subprotocols
        let context = LoadRunContext(
            plan: plan, targetURLs: targetURLs, clientConfiguration: clientConfiguration, transport: options.transport,
            httpBase: httpBase, adminAuthorization: adminAuthorization,
            lateThresholdNanoseconds: Int64(options.lateThresholdSeconds * 1e9), userTokens: userTokens)
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
            let churn = ChurnDriver.start(alongside: phaseIndex, users: users, context: context, stop: stop)
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
            for driver in churn { await driver.finish() }
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

        return Self.report(
            LoadRunResults(
                context: context, loopMetrics: loopMetrics, accounts: accounts, userCount: users.count,
                outstanding: outstanding, targetText: targetText, embedded: embedded, startedAt: startedAt,
                measuredSeconds: measuredSeconds, timeSeries: series.points, statsBefore: statsBefore,
                statsAfter: statsAfter, cpuAtStart: cpuAtStart, residentAtStart: residentAtStart,
                cpuUtilization: cpuUtilization, stoppedIn: stoppedIn, phasesNotRun: phasesNotRun),
            options: options)
    }
}
