import NIOConcurrencyHelpers

/// Once a second: takes every loop's interval metrics, keeps a point of the time series, and reports
/// progress. Memory grows by one small point a second, whatever the load.
final class TimeSeriesRecorder: Sendable {
    private let context: LoadRunContext
    private let loopMetrics: [LoopMetrics]
    private let plannedSeconds: Double
    private let usersTotal: Int
    private let onProgress: (@Sendable (LoadProgress) -> Void)?
    private let state = NIOLockedValueBox(State())

    private struct State {
        var points: [LoadReport.TimeSeriesPoint] = []
        var phase = "start"
        var broadcastSoFar = LatencyHistogram()
        var errorsSoFar = 0
    }

    init(context: LoadRunContext, loopMetrics: [LoopMetrics], plan: LoadPlan, onProgress: (@Sendable (LoadProgress) -> Void)?) {
        self.context = context
        self.loopMetrics = loopMetrics
        self.usersTotal = plan.localUserIndexes.count
        self.onProgress = onProgress
        self.plannedSeconds = plan.scenario.phases.reduce(0) { total, phase in
            switch phase {
            case .rampUp(let seconds), .hold(let seconds): return total + seconds
            case .arrivals(let arrivals): return total + arrivals.seconds
            case .script(let seconds): return total + (seconds ?? 0)
            }
        }
    }

    var phase: String {
        get { self.state.withLockedValue { $0.phase } }
        set { self.state.withLockedValue { $0.phase = newValue } }
    }

    var points: [LoadReport.TimeSeriesPoint] { self.state.withLockedValue { $0.points } }

    /// Ticks until cancelled, then records the last partial second.
    func run() async {
        let clock = ContinuousClock()
        var next = clock.now + .seconds(1)
        while !Task.isCancelled {
            try? await Task.sleep(until: next, clock: clock)
            next += .seconds(1)
            self.tick()
        }
    }

    private func tick() {
        var interval = LoadMetrics()
        for loop in self.loopMetrics { interval.merge(loop.takeInterval()) }
        self.context.fanout.settle(nowNanoseconds: LoadRunContext.now())
        let elapsed = Double(LoadRunContext.now() - self.context.startNanoseconds) / 1e9
        let connected = self.context.connectedUsers.load(ordering: .relaxed)
        let progress: LoadProgress = self.state.withLockedValue { state in
            state.broadcastSoFar.merge(interval.broadcastLatency)
            state.errorsSoFar += interval.errorTotal + interval.connectErrors
            // The last, partial second (recorded when the run stops) can round to the same second as the tick
            // before it: it takes the next second, so seconds strictly increase and charts never double back.
            let second = max(Int(elapsed.rounded()), (state.points.last?.second ?? 0) + 1)
            let point = LoadReport.TimeSeriesPoint(
                second: second, usersConnected: connected, messagesOut: interval.messagesOut,
                messagesIn: interval.messagesIn, bytesOut: interval.bytesOut, bytesIn: interval.bytesIn,
                errors: interval.errorTotal + interval.connectErrors,
                broadcastP99: interval.broadcastLatency.seconds(atPercentile: 99),
                broadcastP99FromSend: interval.broadcastFromSend.seconds(atPercentile: 99))
            state.points.append(point)
            return LoadProgress(
                elapsedSeconds: elapsed, plannedSeconds: self.plannedSeconds, phase: state.phase,
                usersConnected: connected, usersTotal: self.usersTotal, messagesOutPerSecond: interval.messagesOut,
                messagesInPerSecond: interval.messagesIn, broadcastP99SoFar: state.broadcastSoFar.seconds(atPercentile: 99),
                errors: state.errorsSoFar, point: point)
        }
        self.onProgress?(progress)
    }
}
