import NIOConcurrencyHelpers

/// What a run measures: counters and latency histograms. A value type, so per-loop copies are merged at
/// the end and per-second intervals are snapshots.
public struct LoadMetrics: Sendable, Equatable {
    public var connectAttempts = 0
    public var connectErrors = 0
    public var disconnects = 0
    public var reconnects = 0
    public var sends = 0
    public var lateSends = 0
    /// Sends that could not go out (user not connected, queue full).
    public var failedSends = 0
    public var whispersSent = 0
    public var whispersDelivered = 0
    public var whisperLeaks = 0
    /// Scripts started, run to their end, and cut short by the end of their phase.
    public var scriptsStarted = 0
    public var scriptsFinished = 0
    public var scriptsStopped = 0
    public var expectTotal = 0
    public var expectFailed = 0
    public var httpTotal = 0
    public var httpFailed = 0
    /// Answers to this process's sends received so far: echoes of its messages and whispers, and errors.
    /// The drain waits for one per send.
    public var answers = 0
    public var messagesOut = 0
    public var messagesIn = 0
    public var bytesOut = 0
    public var bytesIn = 0
    /// `error` frames received, by code.
    public var errors: [String: Int] = [:]
    /// Open-model arrivals handed to a user (sent, or failed): a run checks that every planned one was.
    public var arrivalsPerformed = 0
    /// Failed connections, lost connections and failed sends, by cause.
    public var failures = FailureCauses()
    /// Largest delay between a send's planned time and the moment it went out, in nanoseconds.
    public var maxSendLagNanoseconds: Int64 = 0

    /// Latency of sends from their planned time (the coordinated-omission-corrected headline).
    public var broadcastLatency = LatencyHistogram()
    public var whisperLatency = LatencyHistogram()
    public var echoLatency = LatencyHistogram()
    /// The same copies timed from the moment their send actually went out: without the generator's own lag.
    public var broadcastFromSend = LatencyHistogram()
    public var whisperFromSend = LatencyHistogram()
    public var echoFromSend = LatencyHistogram()
    public var connectLatency = LatencyHistogram()
    public var fanoutSpread = LatencyHistogram()
    /// Churn and recovery (``RecoveryMetrics``).
    public var recovery = RecoveryMetrics()

    public init() {}

    /// Adds everything of `other`.
    public mutating func merge(_ other: LoadMetrics) {
        self.connectAttempts += other.connectAttempts
        self.connectErrors += other.connectErrors
        self.disconnects += other.disconnects
        self.reconnects += other.reconnects
        self.sends += other.sends
        self.lateSends += other.lateSends
        self.failedSends += other.failedSends
        self.whispersSent += other.whispersSent
        self.whispersDelivered += other.whispersDelivered
        self.whisperLeaks += other.whisperLeaks
        self.scriptsStarted += other.scriptsStarted
        self.scriptsFinished += other.scriptsFinished
        self.scriptsStopped += other.scriptsStopped
        self.expectTotal += other.expectTotal
        self.expectFailed += other.expectFailed
        self.httpTotal += other.httpTotal
        self.httpFailed += other.httpFailed
        self.answers += other.answers
        self.messagesOut += other.messagesOut
        self.messagesIn += other.messagesIn
        self.bytesOut += other.bytesOut
        self.bytesIn += other.bytesIn
        self.errors.merge(other.errors, uniquingKeysWith: +)
        self.arrivalsPerformed += other.arrivalsPerformed
        self.failures.merge(other.failures)
        self.maxSendLagNanoseconds = max(self.maxSendLagNanoseconds, other.maxSendLagNanoseconds)
        self.broadcastLatency.merge(other.broadcastLatency)
        self.whisperLatency.merge(other.whisperLatency)
        self.echoLatency.merge(other.echoLatency)
        self.broadcastFromSend.merge(other.broadcastFromSend)
        self.whisperFromSend.merge(other.whisperFromSend)
        self.echoFromSend.merge(other.echoFromSend)
        self.connectLatency.merge(other.connectLatency)
        self.fanoutSpread.merge(other.fanoutSpread)
        self.recovery.merge(other.recovery)
    }

    public var errorTotal: Int { self.errors.values.reduce(0, +) }

    /// The latency families of sends' copies, each timed twice.
    enum CopyFamily { case broadcast, whisper, echo }

    /// Records one copy's latency: `fromPlanned` from its send's planned time (the headline), `fromSend` from the
    /// moment the send actually went out.
    mutating func recordCopy(_ family: CopyFamily, fromPlanned: Int64, fromSend: Int64) {
        switch family {
        case .broadcast:
            self.broadcastLatency.record(nanoseconds: fromPlanned)
            self.broadcastFromSend.record(nanoseconds: fromSend)
        case .whisper:
            self.whisperLatency.record(nanoseconds: fromPlanned)
            self.whisperFromSend.record(nanoseconds: fromSend)
        case .echo:
            self.echoLatency.record(nanoseconds: fromPlanned)
            self.echoFromSend.record(nanoseconds: fromSend)
        }
    }
}

/// The metrics one event loop's users write to: the current one-second interval, and the total of the
/// intervals before it. Each change is applied once, to the interval (a received copy is one histogram record,
/// not two); taking the interval adds it to the total, exactly (counters sum, histograms merge bucket by
/// bucket). Locked, but only that loop writes and the reporter reads once a second, so the lock is uncontended.
final class LoopMetrics: @unchecked Sendable {
    private let lock = NIOLock()
    /// Every interval taken so far.
    private var closed = LoadMetrics()
    private var interval = LoadMetrics()

    /// Applies a change to the current interval (and so to the total).
    func update(_ change: (inout LoadMetrics) -> Void) {
        self.lock.withLock { change(&self.interval) }
    }

    /// The interval so far, starting a new one.
    func takeInterval() -> LoadMetrics {
        self.lock.withLock {
            let interval = self.interval
            self.closed.merge(interval)
            self.interval = LoadMetrics()
            return interval
        }
    }

    /// Everything so far: the intervals taken and the current one.
    var totals: LoadMetrics {
        self.lock.withLock {
            var total = self.closed
            total.merge(self.interval)
            return total
        }
    }

    /// What the drain watches, summed over the intervals. Cheap to take often.
    var progressCounters: ProgressCounters {
        self.lock.withLock {
            ProgressCounters(
                connectErrors: self.closed.connectErrors + self.interval.connectErrors,
                messagesIn: self.closed.messagesIn + self.interval.messagesIn,
                answers: self.closed.answers + self.interval.answers, sends: self.closed.sends + self.interval.sends,
                whispersSent: self.closed.whispersSent + self.interval.whispersSent,
                whispersDelivered: self.closed.whispersDelivered + self.interval.whispersDelivered)
        }
    }
}

/// The counters the drain watches: frames received, answers to sends, sends made, and whispers sent and delivered.
struct ProgressCounters: Sendable, Equatable {
    var connectErrors = 0
    var messagesIn = 0
    var answers = 0
    var sends = 0
    var whispersSent = 0
    var whispersDelivered = 0

    static func + (a: ProgressCounters, b: ProgressCounters) -> ProgressCounters {
        ProgressCounters(
            connectErrors: a.connectErrors + b.connectErrors, messagesIn: a.messagesIn + b.messagesIn, answers: a.answers + b.answers, sends: a.sends + b.sends,
            whispersSent: a.whispersSent + b.whispersSent, whispersDelivered: a.whispersDelivered + b.whispersDelivered)
    }
}
