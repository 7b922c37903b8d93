import NIOCore

/// A one-shot timer on an event loop that is disarmed in constant time.
///
/// NIO finds a cancelled task by searching the loop's whole queue of scheduled tasks (`Scheduled.cancel()` is a
/// linear scan). A connection holds a few timers (handshake deadline, keepalive ping, dead-peer check, close
/// timeout), so on a loop with 10 000 connections every cancel read about 10 000 entries, and a storm of N
/// connections cost time quadratic in N. A disarmed `LoopTimer` stays in NIO's queue and does nothing when it
/// comes due; until then it holds only itself, not what its action captured.
///
/// Scheduled, disarmed and fired on one event loop only (debug builds check).
package final class LoopTimer: NIOScheduledCallbackHandler, @unchecked Sendable {
    private let eventLoop: EventLoop
    private var action: (() -> Void)?

    private init(eventLoop: EventLoop, action: @escaping () -> Void) {
        self.eventLoop = eventLoop
        self.action = action
    }

    /// Runs `action` on `eventLoop` after `delay`, unless ``disarm()`` is called first. Call it on `eventLoop`. A
    /// loop that is shutting down takes no new timers: the action then never runs.
    @discardableResult
    package static func schedule(
        on eventLoop: EventLoop, in delay: TimeAmount, _ action: @escaping () -> Void
    ) -> LoopTimer {
        eventLoop.assertInEventLoop()
        let timer = LoopTimer(eventLoop: eventLoop, action: action)
        _ = try? eventLoop.scheduleCallback(in: delay, handler: timer)
        return timer
    }

    /// Whether the action is still to run.
    var isArmed: Bool { self.action != nil }

    /// The action will not run (and what it captured is released now).
    package func disarm() {
        self.eventLoop.assertInEventLoop()
        self.action = nil
    }

    package func handleScheduledCallback(eventLoop: some EventLoop) {
        guard let action = self.action else { return }
        self.action = nil
        action()
    }

    package func didCancelScheduledCallback(eventLoop: some EventLoop) {
        self.action = nil
    }
}
