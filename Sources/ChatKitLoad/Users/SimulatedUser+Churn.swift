import Atomics
import ChatKit
import Foundation
import NIOCore

// Planned disconnections (churn phases): disconnecting on purpose (reset, close, kick), reconnecting at once, and
// telling the run when the user is back. Rejoining with `since` and counting what the server replays is
// `SimulatedUser+Recovery.swift`.
extension SimulatedUser {
    /// Disconnects the user on purpose (on its loop). Skipped, and counted so, when it is not connected and ready
    /// or is already away. `awayCount` was incremented for this user by the churn phase (so that the phase's end
    /// waits for a churn still on its way to the loop); it is decremented when the user is back, gave up, or was
    /// skipped.
    func churn(_ phase: ChurnPhase, awayCount: ManagedAtomic<Int>) {
        self.eventLoop.assertInEventLoop()
        guard self.run.measuring.load(ordering: .relaxed), !self.closedByRunner, self.recovery.away == nil,
            let connection = self.connection, self.run.isReady(self.planned.index)
        else {
            awayCount.wrappingDecrement(ordering: .relaxed)
            self.metrics.update { $0.recovery.skipped += 1 }
            return
        }
        let rooms = self.memberships.all.map {
            UserRecoveryState.Rejoin(room: $0.room, since: $0.tracker.highestSeen, epoch: self.recovery.epochs[$0.room])
        }
        self.recovery.away = UserRecoveryState.Away(
            stage: .closing, startedNanoseconds: LoadRunContext.now(), recover: phase.recover,
            awaySeconds: phase.awaySeconds, rooms: rooms,
            awayCount: awayCount)
        self.metrics.update { $0.recovery.churned += 1 }
        switch phase.mode {
        case .reset:
            let channel = connection.channel
            let linger = (channel as? SocketOptionProvider)?.setSoLinger(NIOLinger(l_onoff: 1, l_linger: 0))
                ?? channel.eventLoop.makeSucceededVoidFuture()
            linger.whenComplete { _ in channel.close(promise: nil) }
        case .close:
            connection.close(code: WebSocketCloseCode.normal, reason: "churn")
        case .kick:
            self.kickThroughAdmin()
        }
    }

    /// Asks the server's admin API to kick this user (`DELETE /admin/users/NAME`). When it cannot, the user is
    /// not away after all: that planned disconnection failed, with its cause.
    private func kickThroughAdmin() {
        let name = self.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? self.name
        guard let transport = self.run.transport, let base = self.run.httpBase else {
            return self.churnFailed("kick: no admin API to call (admin.url, or an HTTP target)")
        }
        var headers: [(String, String)] = []
        if let authorization = self.run.adminAuthorization { headers.append(("Authorization", authorization)) }
        let request = LoadHTTPRequest(
            method: "DELETE", url: "\(base)/admin/users/\(name)?reason=churn", headers: headers, body: nil,
            timeoutSeconds: 5)
        let eventLoop = self.eventLoop
        Task {
            let result = await transport.perform(request)
            eventLoop.execute {
                switch result {
                case .success(let response) where response.status == 200:
                    break  // the server closes the connection: webSocketDidClose goes on
                case .success(let response):
                    self.churnFailed("kick: HTTP \(response.status) from \(base)/admin/users/")
                case .failure(let error):
                    self.churnFailed("kick: \(error)")
                }
            }
        }
    }

    /// A planned disconnection that did not happen, or a churned user that did not come back: counted with its cause
    /// (the `failedReconnects` run check fails the verdict).
    func churnFailed(_ cause: String) {
        guard let away = self.recovery.away else { return }
        self.recovery.away = nil
        away.awayCount.wrappingDecrement(ordering: .relaxed)
        // What was held fails as it would have without a churn (not connected), or goes out if connected.
        self.sendHeld()
        let seconds = self.secondsIntoRun()
        self.metrics.update {
            $0.recovery.reconnectsFailed += 1
            $0.failures.addRecovery(cause, at: seconds)
        }
    }

    /// The connection closed while a planned disconnection was closing it: `true` when this close was that one
    /// (not a loss), and the user reconnects.
    func churnClosed() -> Bool {
        guard var away = self.recovery.away, away.stage == .closing else { return false }
        away.stage = .reconnecting
        away.reconnectStartedNanoseconds = LoadRunContext.now() + Int64(away.awaySeconds * 1e9)
        self.recovery.away = away
        guard !self.closedByRunner else { return true }
        if away.awaySeconds > 0 {
            self.eventLoop.scheduleTask(in: .fromSeconds(away.awaySeconds)) { self.reconnectAfterChurn() }
        } else {
            self.reconnectAfterChurn()
        }
        return true
    }

    /// Connects again after a churn. With the scenario's `reconnect` policy, that policy retries; without one, a few
    /// quick attempts (``UserRecoveryState/attempts``).
    private func reconnectAfterChurn() {
        guard self.recovery.away != nil else { return }
        self.recovery.away?.attempts += 1
        self.connect { connected in
            guard !connected else { return }
            self.eventLoop.execute {
                guard let away = self.recovery.away, self.connection == nil, !self.closedByRunner else { return }
                if self.run.scenario.reconnect == nil && away.attempts < UserRecoveryState.attempts {
                    let delay = min(
                        UserRecoveryState.maxBackoffSeconds,
                        UserRecoveryState.backoffSeconds * pow(2, Double(away.attempts - 1)))
                    self.eventLoop.scheduleTask(in: .fromSeconds(delay)) { self.reconnectAfterChurn() }
                } else {
                    self.churnFailed("reconnect failed after \(away.attempts) attempts")
                }
            }
        }
    }

    /// The user is ready again (connected, every room rejoined): a churn is over.
    func churnEndedIfAway() {
        guard let away = self.recovery.away, away.stage == .reconnecting else { return }
        self.recovery.away = nil
        away.awayCount.wrappingDecrement(ordering: .relaxed)
        let elapsed = LoadRunContext.now() - max(away.startedNanoseconds, away.reconnectStartedNanoseconds)
        self.metrics.update {
            $0.recovery.reconnects += 1
            $0.recovery.reconnectTime.record(nanoseconds: elapsed)
        }
        self.sendHeld()
    }

    /// Holds a send planned while the user is away on a churn (the caller checked), to be made once it is back.
    /// Past ``UserRecoveryState/heldLimit`` the send fails.
    func holdWhileAway(_ send: @escaping @Sendable () -> Void) {
        if self.recovery.held.count >= UserRecoveryState.heldLimit {
            self.failedSend(SendFailure.heldOverLimit)
        } else {
            self.recovery.held.append(send)
        }
    }

    /// Makes the sends held while the user was away, in order.
    private func sendHeld() {
        let held = self.recovery.held
        self.recovery.held.removeAll()
        if !held.isEmpty { self.metrics.update { $0.recovery.heldSends += held.count } }
        for send in held { send() }
    }

    /// At the end of a churn phase: a user still away did not come back in time.
    func giveUpChurn() {
        guard self.recovery.away != nil else { return }
        self.churnFailed("not back by the end of the churn phase (\(self.connection == nil ? "not connected" : "rooms not rejoined"))")
    }
}
