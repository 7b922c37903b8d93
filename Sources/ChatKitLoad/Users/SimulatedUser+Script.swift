import ChatKit
import Foundation
import NIOCore

// The script interpreter: runs a group's steps (`join`, `say`, `wait`, `expect`, `http`, `repeat`, …) on the
// user's event loop. Its state (the step lists under way, the pending expectation) is the user's ``ScriptState``.
extension SimulatedUser {
    // MARK: Script

    /// Runs the group's script (nothing when it has no steps) until it ends or ``stopScript(finished:)``.
    func startScript(steps: [Step]) {
        guard !steps.isEmpty else { return }
        self.scriptState.frames = [ScriptState.Frame(steps: steps, next: 0, repeatsLeft: 0)]
        self.scriptState.keepsFramesForExpect = Self.containsExpect(steps)
        self.scriptState.unconsumed.removeAll()
        self.scriptState.isRunning = true
        self.run.scriptsRunning.wrappingIncrement(ordering: .relaxed)
        self.metrics.update { $0.scriptsStarted += 1 }
        self.runNextStep()
    }

    /// Ends the script: `finished` when its last step is done, otherwise it is cut short (the phase ended,
    /// or the run), which counts in `scripts.stopped`.
    func stopScript(finished: Bool = false) {
        self.scriptState.task?.cancel()
        self.scriptState.task = nil
        if let (_, timeout) = self.scriptState.expectation {
            // Still waiting when the phase ended: that expectation was not met.
            timeout.cancel()
            self.metrics.update { $0.expectFailed += 1 }
        }
        self.scriptState.expectation = nil
        if self.scriptState.isRunning {
            self.scriptState.isRunning = false
            self.run.scriptsRunning.wrappingDecrement(ordering: .relaxed)
            self.metrics.update { finished ? ($0.scriptsFinished += 1) : ($0.scriptsStopped += 1) }
        }
    }

    private func after(_ seconds: Double, _ body: @escaping @Sendable () -> Void) {
        self.scriptState.task = self.eventLoop.scheduleTask(in: .fromSeconds(seconds), body)
    }

    /// What a step did: finished at once (go on), or will call ``runNextStep()`` when it is done.
    private enum StepOutcome {
        case done
        case suspended
    }

    /// Runs steps until one has to wait. A loop, not recursion: a long `repeat` of instant steps must not
    /// grow the stack, and it yields the event loop every few hundred steps.
    private func runNextStep() {
        var stepsThisTurn = 0
        while self.scriptState.isRunning {
            guard var frame = self.scriptState.frames.popLast() else { return self.stopScript(finished: true) }
            if frame.next >= frame.steps.count {
                if frame.repeatsLeft > 0 {
                    frame.repeatsLeft -= 1
                    frame.next = 0
                    self.scriptState.frames.append(frame)
                }
            } else {
                let step = frame.steps[frame.next]
                frame.next += 1
                self.scriptState.frames.append(frame)
                if case .suspended = self.perform(step) { return }
            }
            stepsThisTurn += 1
            if stepsThisTurn >= 256 {
                self.eventLoop.execute { self.runNextStep() }
                return
            }
        }
    }

    private func perform(_ step: Step) -> StepOutcome {
        let index = self.planned.indexInGroup
        switch step {
        case .join(let room):
            self.join(NamePattern.expand(room, index: index))
            return .done
        case .leave(let room):
            self.leave(NamePattern.expand(room, index: index))
            return .done
        case .wait(let minimum, let maximum):
            let seconds = maximum > minimum ? Double.random(in: minimum...maximum, using: &self.random) : minimum
            self.after(seconds) { self.runNextStep() }
            return .suspended
        case .say(let say):
            let room = say.room.map { NamePattern.expand($0, index: index) }
            self.repeatSend(count: say.count, ratePerSecond: say.ratePerSecond, start: LoadRunContext.now(), sent: 0) {
                self.say(room: room, content: say.content, scheduledNanoseconds: $0)
            }
            return .suspended
        case .whisper(let whisper):
            self.repeatSend(count: whisper.count, ratePerSecond: whisper.ratePerSecond, start: LoadRunContext.now(), sent: 0) {
                guard let target = self.whisperTarget(whisper.to) else {
                    self.failedSend(SendFailure.noWhisperTarget)
                    return
                }
                self.whisper(to: target, content: whisper.content, scheduledNanoseconds: $0)
            }
            return .suspended
        case .expect(let expect):
            self.metrics.update { $0.expectTotal += 1 }
            // A frame that arrived since the last expect may already satisfy this one.
            while let frame = self.scriptState.unconsumed.popFirst() {
                if self.matches(expect, frame) { return .done }
            }
            let timeout = self.eventLoop.scheduleTask(in: .fromSeconds(expect.timeoutSeconds)) {
                self.scriptState.expectation = nil
                self.metrics.update { $0.expectFailed += 1 }
                self.runNextStep()
            }
            self.scriptState.expectation = (expect, timeout)
            return .suspended
        case .http(let http):
            self.performHTTP(http)
            return .suspended
        case .repeat(let times, let steps):
            self.scriptState.frames.append(ScriptState.Frame(steps: steps, next: 0, repeatsLeft: times - 1))
            return .done
        }
    }

    /// Sends `count` times, `1/rate` apart from `start` (each timed from its planned instant), then goes on.
    private func repeatSend(
        count: Int, ratePerSecond: Double?, start: Int64, sent: Int, _ send: @escaping @Sendable (Int64) -> Void
    ) {
        guard self.scriptState.isRunning else { return }
        guard sent < count else {
            // Through the loop, so that a long repeat of short bursts does not nest calls.
            self.eventLoop.execute { self.runNextStep() }
            return
        }
        let now = LoadRunContext.now()
        // With a rate each send has its planned instant; without one the burst goes as fast as the loop
        // allows, and each send is planned for the moment it leaves (nothing to be late for).
        let planned = ratePerSecond.map { $0 > 0 ? start + Int64(Double(sent) * 1e9 / $0) : now } ?? now
        if planned > now {
            self.scriptState.task = self.eventLoop.scheduleTask(in: .nanoseconds(planned - now)) {
                send(planned)
                self.repeatSend(count: count, ratePerSecond: ratePerSecond, start: start, sent: sent + 1, send)
            }
        } else {
            send(planned)
            // Yield between bursts so one user does not hold the loop.
            if sent % 64 == 63 {
                self.eventLoop.execute {
                    self.repeatSend(count: count, ratePerSecond: ratePerSecond, start: start, sent: sent + 1, send)
                }
            } else {
                self.repeatSend(count: count, ratePerSecond: ratePerSecond, start: start, sent: sent + 1, send)
            }
        }
    }

    private func whisperTarget(_ target: WhisperTarget) -> Int? {
        let users = self.run.plan.users
        switch target {
        case .name(let pattern):
            return self.run.plan.userIndex(named: NamePattern.expand(pattern, index: self.planned.indexInGroup))
        case .random:
            guard users.count > 1 else { return nil }
            var pick = Int.random(in: 0..<(users.count - 1), using: &self.random)
            if pick >= self.planned.index { pick += 1 }
            return pick
        case .matching(let glob):
            let candidates = users.indices.filter { $0 != self.planned.index && NamePattern.glob(glob, matches: users[$0].name) }
            return candidates.randomElement(using: &self.random)
        }
    }

    private static func containsExpect(_ steps: [Step]) -> Bool {
        steps.contains { step in
            switch step {
            case .expect: return true
            case .repeat(_, let inner): return Self.containsExpect(inner)
            default: return false
            }
        }
    }

    /// Whether `frame` met the pending expectation (which then ends and the script goes on).
    func checkExpectation(_ frame: ServerFrame) -> Bool {
        guard let (step, timeout) = self.scriptState.expectation, self.matches(step, frame) else { return false }
        timeout.cancel()
        self.scriptState.expectation = nil
        self.runNextStep()
        return true
    }

    private func matches(_ step: ExpectStep, _ frame: ServerFrame) -> Bool {
        if let type = step.type, frame.type != type { return false }
        let (room, from, content): (String?, String?, String?)
        switch frame {
        case .message(let message): (room, from, content) = (message.room, message.from, message.content)
        case .whisper(let whisper): (room, from, content) = (nil, whisper.from, whisper.content)
        case .presence(let presenceRoom, let name, _): (room, from, content) = (presenceRoom, name, nil)
        case .joined(let joinedRoom, _, _, _, _, _, _), .left(let joinedRoom, _, _), .history(let joinedRoom, _, _),
            .users(let joinedRoom, _, _, _):
            (room, from, content) = (joinedRoom, nil, nil)
        case .error(_, let message, _): (room, from, content) = (nil, nil, message)
        case .welcome: (room, from, content) = (nil, nil, nil)
        }
        if let wanted = step.room, NamePattern.expand(wanted, index: self.planned.indexInGroup) != room { return false }
        if let wanted = step.from, NamePattern.expand(wanted, index: self.planned.indexInGroup) != from { return false }
        if let wanted = step.contains, !(content ?? "").contains(wanted) { return false }
        return true
    }

    private func performHTTP(_ step: HTTPStep) {
        self.metrics.update { $0.httpTotal += 1 }
        guard let transport = self.run.transport, let url = LoadURLs.resolve(step.url, against: self.run.httpBase) else {
            self.metrics.update {
                $0.httpFailed += 1
                $0.errors["http_unavailable", default: 0] += 1
            }
            return self.runNextStep()
        }
        var headers = step.headers.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
        if let authorization = self.run.adminAuthorization, let base = self.run.httpBase, url.hasPrefix(base + "/admin/"),
            !step.headers.keys.contains(where: { $0.lowercased() == "authorization" })
        {
            headers.append(("Authorization", authorization))
        }
        let request = LoadHTTPRequest(
            method: step.method, url: url, headers: headers, body: step.body.map { Data($0.utf8) },
            timeoutSeconds: step.timeoutSeconds)
        let eventLoop = self.eventLoop
        Task {
            let result = await transport.perform(request)
            eventLoop.execute {
                switch result {
                case .success(let response) where response.status == step.expectStatus:
                    break
                case .success(let response):
                    self.metrics.update {
                        $0.httpFailed += 1
                        $0.errors["http_status_\(response.status)", default: 0] += 1
                    }
                case .failure:
                    self.metrics.update {
                        $0.httpFailed += 1
                        $0.errors["http_unreachable", default: 0] += 1
                    }
                }
                self.runNextStep()
            }
        }
    }
}
