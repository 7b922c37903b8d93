import ChatKit
import Foundation
import NIOCore

// Connecting, reconnecting after a lost connection, and closing at the end of the run.
extension SimulatedUser {
    // MARK: Connecting

    /// Connects (on the user's loop); `done` gets whether the user ended up ready.
    func connect(done: (@Sendable (Bool) -> Void)? = nil) {
        self.eventLoop.assertInEventLoop()
        self.connectStartedNanoseconds = LoadRunContext.now()
        self.metrics.update { $0.connectAttempts += 1 }
        let url = self.run.url(for: self.name, userIndex: self.planned.index)
        WebSocketClient.connect(
            to: url, configuration: self.run.clientConfiguration(for: self.planned), eventLoop: self.eventLoop, makeDelegate: { self }
        ).whenComplete { result in
            switch result {
            case .success:
                done?(true)
            case .failure(let error):
                let cause = FailureCauseText.connect(error)
                let seconds = self.secondsIntoRun()
                self.metrics.update {
                    $0.connectErrors += 1
                    FailureCauses.add(cause, at: seconds, to: &$0.failures.connect)
                }
                if !self.scheduleReconnect() { done?(false) }
            }
        }
    }

    func webSocketDidOpen(_ connection: WebSocketConnection) {
        self.connection = connection
        let elapsed = LoadRunContext.now() - self.connectStartedNanoseconds
        self.metrics.update { $0.connectLatency.record(nanoseconds: elapsed) }
        if self.adapterSession != nil {
            self.adapterDidOpen(connection)
        } else if !self.isChat {
            self.rawReadyAtCounter = self.rawReadyAtCounter ?? self.run.rawSendCounter.load(ordering: .relaxed)
            self.becameReady()
        }
        // Chat: ready once `welcome` arrived and every initial room is joined.
    }

    func becameReady() {
        if self.wasEverReady { self.metrics.update { $0.reconnects += 1 } }
        if !self.wasEverReady { self.run.everReadyUsers.wrappingIncrement(ordering: .relaxed) }
        self.wasEverReady = true
        self.reconnectAttempt = 0
        self.run.setReady(self.planned.index, true)
        self.churnEndedIfAway()
    }

    /// Reconnects after a failure if the scenario asks for it; `false` when it does not (or gave up).
    private func scheduleReconnect() -> Bool {
        guard let policy = self.run.scenario.reconnect, !self.closedByRunner,
            self.run.measuring.load(ordering: .relaxed), self.reconnectAttempt < policy.attempts
        else { return false }
        let delay = min(policy.maxBackoffSeconds, policy.backoffSeconds * pow(2, Double(self.reconnectAttempt)))
        self.reconnectAttempt += 1
        self.eventLoop.scheduleTask(in: .fromSeconds(delay)) { self.connect() }
        return true
    }

    /// Closes the connection at the end of the run; the future completes when the TCP connection is closed
    /// (at once when there was none).
    func closeForShutdown() -> EventLoopFuture<Void> {
        self.closedByRunner = true
        self.stopScript()
        guard let connection = self.connection else { return self.eventLoop.makeSucceededVoidFuture() }
        connection.close(code: WebSocketCloseCode.normal, reason: "load test finished")
        return connection.closeFuture
    }

    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String) {
        self.connection = nil
        let now = LoadRunContext.now()
        let wasReady = self.run.isReady(self.planned.index)
        self.run.setReady(self.planned.index, false)
        for var membership in self.memberships.removeAll() {
            membership.end = .disconnected(rejoinSeq: nil)
            membership.endRequestedNanoseconds = now
            membership.endAckNanoseconds = now
            self.finished.append(membership)
        }
        self.pendingJoins.removeAll()
        self.pendingLeaves.removeAll()
        self.adapterDidClose()
        if self.churnClosed() { return }  // a planned disconnection, not a loss
        guard !self.closedByRunner, self.run.measuring.load(ordering: .relaxed) else { return }
        self.lostConnection = true
        let cause = FailureCauseText.close(code: code, reason: reason)
        let seconds = self.secondsIntoRun(now)
        self.metrics.update {
            $0.disconnects += 1
            $0.errors["closed_\(code)", default: 0] += 1
            FailureCauses.add(cause, at: seconds, to: &$0.failures.disconnect)
        }
        if wasReady || self.wasEverReady {
            _ = self.scheduleReconnect()
        }
    }
}
