import NIOConcurrencyHelpers

/// Stops a running load test early: chatctl calls ``stop(signal:)`` on SIGINT and SIGTERM (the library itself
/// handles no signals). Give one to ``LoadRunOptions/stop``.
///
/// The first call ends scheduling: no new phase, arrival, script step or connect starts, and a running phase
/// notices within about 20 ms. Messages in flight then get a drain of at most ``drainLimitSeconds``, the
/// connections are closed, and ``LoadRunner/run(_:options:)`` returns the report of what was measured, marked
/// interrupted (``LoadReport/interruption``), which never passes. A second call ends the drain at once.
public final class LoadRunStop: Sendable {
    /// The longest drain after a stop: in-flight copies that take longer are counted lost.
    public static let drainLimitSeconds = 2.0

    private struct State {
        var signal: String?
        var second: String?
        var atNanoseconds: Int64 = 0
        var at: ContinuousClock.Instant?
        var calls = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Stops the run; `signal` names what stopped it (`SIGINT`, `SIGTERM`) in the report. Returns how many
    /// stops there have been, this one included: 1 for the first, 2 for the one that ends the drain.
    @discardableResult
    public func stop(signal: String) -> Int {
        self.state.withLockedValue { state in
            state.calls += 1
            if state.calls == 1 {
                state.signal = signal
                state.atNanoseconds = LoadRunContext.now()
                state.at = .now
            } else if state.calls == 2 {
                state.second = signal
            }
            return state.calls
        }
    }

    /// Whether ``stop(signal:)`` has been called.
    public var isStopped: Bool { self.state.withLockedValue { $0.calls > 0 } }

    /// Whether it has been called again: the drain ends at once.
    var isUrgent: Bool { self.state.withLockedValue { $0.calls > 1 } }

    /// The first stop's signal, its time (``LoadRunContext/now()``) and clock instant; nil before any stop.
    var first: (signal: String, atNanoseconds: Int64, at: ContinuousClock.Instant)? {
        self.state.withLockedValue { state in
            guard let signal = state.signal, let at = state.at else { return nil }
            return (signal, state.atNanoseconds, at)
        }
    }

    /// The second stop's signal, if any.
    var second: String? { self.state.withLockedValue { $0.second } }
}
