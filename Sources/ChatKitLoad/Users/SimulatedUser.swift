import ChatKit
import Foundation
import NIOCore

/// One simulated user: a WebSocket connection, its script, and its own delivery accounting.
///
/// Everything here runs on the user's event loop (callbacks and scheduled tasks, never a thread or a task
/// per user), which is how one chatctl process drives thousands of users.
final class SimulatedUser: WebSocketDelegate, @unchecked Sendable {
    let planned: PlannedUser
    let eventLoop: EventLoop
    private let run: LoadRunContext
    private let metrics: LoopMetrics
    /// The open connection, if any (internal for tests, which pause its reads).
    private(set) var connection: WebSocketConnection?
    private var random: SeededRandom
    private var sentCount = 0
    private var closedByRunner = false
    private var reconnectAttempt = 0
    private var connectStartedNanoseconds: Int64 = 0
    private var wasEverReady = false
    /// Whether the user lost a connection during the run (not closed by the runner).
    private var lostConnection = false

    // Chat accounting
    private var memberships = RoomMemberships()
    private var finished: [MembershipRecord] = []
    private var pendingJoins: [String: Int64] = [:]
    private var pendingLeaves: [String: Int64] = [:]
    private var initialRoomsPending: Set<String> = []

    // Raw accounting
    private var rawTrackers: [Int: SequenceTracker] = [:]
    private var rawReadyAtCounter: Int?
    /// Distinct raw copies received (the sum of the trackers' `received`), for the drain.
    private var rawReceived = 0

    // Script
    private struct ScriptFrame {
        var steps: [Step]
        var next: Int
        var repeatsLeft: Int
    }
    private var script: [ScriptFrame] = []
    private var scriptRunning = false
    private var scriptTask: Scheduled<Void>?
    private var expectation: (step: ExpectStep, timeout: Scheduled<Void>)?
    /// Frames received and not yet consumed by an `expect` step (only kept when the script has one). Starts
    /// with room for one: NIO's default of 16 frames was 1.4 KB for every user, most of which never expect.
    private var unconsumed = CircularBuffer<ServerFrame>(initialCapacity: 1)
    private static let unconsumedLimit = 256
    private var keepsFramesForExpect = false
    private var fillerBySize: [Int: String] = [:]

    /// The user's name as UTF-8, compared with the bytes of received frames.
    private let nameBytes: [UInt8]

    init(planned: PlannedUser, eventLoop: EventLoop, run: LoadRunContext, metrics: LoopMetrics) {
        self.planned = planned
        self.nameBytes = Array(planned.name.utf8)
        self.eventLoop = eventLoop
        self.run = run
        self.metrics = metrics
        self.random = SeededRandom.derived(from: run.scenario.seed, 0x5EED_0000 + UInt64(planned.index))
    }

    private var name: String { self.planned.name }
    private var isChat: Bool { self.run.scenario.wireProtocol == .chat }

    // MARK: Connecting

    /// Connects (on the user's loop); `done` gets whether the user ended up ready.
    func connect(done: (@Sendable (Bool) -> Void)? = nil) {
        self.eventLoop.assertInEventLoop()
        self.connectStartedNanoseconds = LoadRunContext.now()
        self.metrics.update { $0.connectAttempts += 1 }
        let url = self.run.url(for: self.name, userIndex: self.planned.index)
        WebSocketClient.connect(
            to: url, configuration: self.run.clientConfiguration, eventLoop: self.eventLoop, makeDelegate: { self }
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
        if !self.isChat {
            self.rawReadyAtCounter = self.rawReadyAtCounter ?? self.run.rawSendCounter.load(ordering: .relaxed)
            self.becameReady()
        }
        // Chat: ready once `welcome` arrived and every initial room is joined.
    }

    private func becameReady() {
        if self.wasEverReady { self.metrics.update { $0.reconnects += 1 } }
        if !self.wasEverReady { self.run.everReadyUsers.wrappingIncrement(ordering: .relaxed) }
        self.wasEverReady = true
        self.reconnectAttempt = 0
        self.run.setReady(self.planned.index, true)
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

    // MARK: Receiving

    /// The hot path: most frames are room messages, whispers and presence, read from their bytes by ``FrameScanner``
    /// and counted with one metrics update. Everything else (and every frame while an `expect` may need it)
    /// goes through the full decoder.
    func webSocket(_ connection: WebSocketConnection, didReceiveTextBytes bytes: ByteBuffer) {
        let now = LoadRunContext.now()
        let measuring = self.run.measuring.load(ordering: .relaxed)
        if self.isChat {
            if self.expectation == nil && !self.keepsFramesForExpect {
                let handled = bytes.withUnsafeReadableBytes { raw -> Bool in
                    guard let frame = FrameScanner.scan(raw) else { return false }
                    self.handleScanned(frame, in: raw, now: now, measuring: measuring)
                    return true
                }
                if handled { return }
            }
        } else {
            if measuring { self.handleRawFrame(bytes, now: now) }
            return
        }
        self.webSocket(connection, didReceiveText: String(decoding: bytes.readableBytesView, as: UTF8.self))
    }

    /// Counts a scanned frame; `bytes` are the frame's, which its ranges index into.
    private func handleScanned(_ frame: ScannedFrame, in bytes: UnsafeRawBufferPointer, now: Int64, measuring: Bool) {
        guard measuring else { return }
        let latency = frame.sentAt.map { now - $0 }
        let fromSend = (latency ?? 0) - frame.sendLag
        switch frame.kind {
        case .message:
            if let room = frame.room, let seq = frame.seq {
                self.memberships.update(room: UnsafeRawBufferPointer(rebasing: bytes[room])) { $0.tracker.record(seq) }
                if seq % FanoutTracker.sampleEvery == 0 {
                    self.run.fanout.record(room: FrameScanner.text(room, in: bytes), seq: seq, atNanoseconds: now)
                }
            }
            let isEcho = frame.sender == self.planned.index
            self.metrics.update {
                $0.messagesIn += 1
                $0.bytesIn += bytes.count
                if isEcho { $0.answers += 1 }
                if let latency { $0.recordCopy(isEcho ? .echo : .broadcast, fromPlanned: latency, fromSend: fromSend) }
            }
        case .whisper:
            let toMe = frame.to.map { FrameScanner.bytes(bytes, at: $0, equal: self.nameBytes) } ?? false
            let fromMe = frame.from.map { FrameScanner.bytes(bytes, at: $0, equal: self.nameBytes) } ?? false
            let leak = !toMe && !fromMe
            self.metrics.update {
                $0.messagesIn += 1
                $0.bytesIn += bytes.count
                if fromMe { $0.answers += 1 }
                if toMe {
                    $0.whispersDelivered += 1
                    if let latency { $0.recordCopy(.whisper, fromPlanned: latency, fromSend: fromSend) }
                } else if leak {
                    $0.whisperLeaks += 1
                }
            }
        case .presence:
            // As `handle(_:now:measuring:)` counts a decoded presence frame.
            if let room = frame.room, let name = frame.name, !FrameScanner.bytes(bytes, at: name, equal: self.nameBytes),
                self.countsPresence(about: { FrameScanner.text(name, in: bytes) })
            {
                self.memberships.update(room: UnsafeRawBufferPointer(rebasing: bytes[room])) { $0.presenceObserved += 1 }
            }
            self.metrics.update {
                $0.messagesIn += 1
                $0.bytesIn += bytes.count
            }
        }
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        let now = LoadRunContext.now()
        let measuring = self.run.measuring.load(ordering: .relaxed)
        if measuring {
            self.metrics.update {
                $0.messagesIn += 1
                $0.bytesIn += text.utf8.count
            }
        }
        if self.isChat {
            guard let frame = try? ServerFrame.decode(text) else {
                self.metrics.update { $0.errors["undecodable_frame", default: 0] += 1 }
                return
            }
            self.handle(frame, now: now, measuring: measuring)
            if self.expectation != nil && self.checkExpectation(frame) {
                // consumed
            } else if self.keepsFramesForExpect {
                if self.unconsumed.count >= Self.unconsumedLimit { self.unconsumed.removeFirst() }
                self.unconsumed.append(frame)
            }
        } else if measuring {
            RawMarkerScanner.forEachMarker(in: ByteBuffer(string: text)) { self.handleRaw($0, now: now) }
        }
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        self.metrics.update { $0.errors["unexpected_binary", default: 0] += 1 }
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

    private func handle(_ frame: ServerFrame, now: Int64, measuring: Bool) {
        switch frame {
        case .welcome:
            self.initialRoomsPending = Set(self.planned.rooms)
            if self.planned.rooms.isEmpty { self.becameReady() }
            for room in self.planned.rooms { self.join(room) }
        case .joined(let room, _, let seq, _, _, _, _):
            let requested = self.pendingJoins.removeValue(forKey: room) ?? now
            // A membership lost with the connection ends where this one begins.
            if let index = self.finished.lastIndex(where: { $0.room == room && $0.end == .disconnected(rejoinSeq: nil) }) {
                self.finished[index].end = .disconnected(rejoinSeq: seq)
            }
            self.memberships[room] = MembershipRecord(
                room: room, tracker: SequenceTracker(startAfter: seq), end: .open,
                joinRequestedNanoseconds: requested, joinAckNanoseconds: now)
            if self.initialRoomsPending.remove(room) != nil && self.initialRoomsPending.isEmpty {
                self.becameReady()
            }
        case .left(let room, let seq, _):
            if var membership = self.memberships.removeValue(forKey: room) {
                membership.end = .left(seq: seq)
                membership.endRequestedNanoseconds = self.pendingLeaves.removeValue(forKey: room) ?? now
                membership.endAckNanoseconds = now
                self.finished.append(membership)
            }
        case .message(let message):
            guard measuring else { return }
            self.memberships.update(room: message.room) { $0.tracker.record(message.seq) }
            if message.seq % FanoutTracker.sampleEvery == 0 {
                self.run.fanout.record(room: message.room, seq: message.seq, atNanoseconds: now)
            }
            if let id = message.id, let parsed = Self.parseID(id) {
                let latency = now - parsed.sentAt
                if parsed.sender == self.planned.index {
                    self.metrics.update {
                        $0.answers += 1
                        $0.recordCopy(.echo, fromPlanned: latency, fromSend: latency - parsed.lag)
                    }
                } else {
                    self.metrics.update {
                        $0.recordCopy(.broadcast, fromPlanned: latency, fromSend: latency - parsed.lag)
                    }
                }
            }
        case .whisper(let whisper):
            guard measuring else { return }
            let parsed = whisper.id.flatMap(Self.parseID)
            if whisper.from == self.name { self.metrics.update { $0.answers += 1 } }
            if whisper.to == self.name {
                self.metrics.update {
                    $0.whispersDelivered += 1
                    if let parsed {
                        let latency = now - parsed.sentAt
                        $0.recordCopy(.whisper, fromPlanned: latency, fromSend: latency - parsed.lag)
                    }
                }
            } else if whisper.from != self.name {
                self.metrics.update { $0.whisperLeaks += 1 }
            }
        case .presence(let room, let name, _):
            if name != self.name, measuring, self.countsPresence(about: { name }) { self.memberships.update(room: room) { $0.presenceObserved += 1 } }
        case .error(let code, _, _):
            if measuring {
                self.metrics.update {
                    $0.errors[code.rawValue, default: 0] += 1
                    $0.answers += 1
                }
            }
        case .history, .users:
            break
        }
    }

    /// Whether a presence frame about user `name` (not this one) counts as observed: always, except in a sharded
    /// run, where only this shard's users count. The others' joins and leaves are not expected here (their
    /// memberships are another process's), so seeing them must not make up for a missing one.
    private func countsPresence(about name: () -> String) -> Bool {
        guard self.run.plan.isSharded else { return true }
        return self.run.plan.userIndex(named: name()).map(self.run.plan.isLocal) ?? false
    }

    /// Counts a raw text frame: one received frame, holding a message per line, each with at most one marker
    /// (see ``RawMarkerScanner``).
    private func handleRawFrame(_ bytes: ByteBuffer, now: Int64) {
        self.metrics.update {
            $0.messagesIn += 1
            $0.bytesIn += bytes.readableBytes
        }
        RawMarkerScanner.forEachMarker(in: bytes) { self.handleRaw($0, now: now) }
    }

    private func handleRaw(_ marker: RawMarker, now: Int64) {
        guard let readyAt = self.rawReadyAtCounter else { return }
        // Delivery counts the sends of this process's users: another shard's GLOBAL number is that process's
        // count, which says nothing of when this user became ready. Their copies still give latency samples.
        if self.run.plan.isLocal(marker.sender) {
            guard marker.globalNumber > readyAt else { return }
            if self.rawTrackers[marker.sender, default: SequenceTracker(startAfter: 0)].record(marker.senderNumber) {
                self.rawReceived += 1
            }
        }
        let latency = now - marker.sentNanoseconds
        let fromSend = latency - marker.lagNanoseconds
        let isEcho = marker.sender == self.planned.index
        self.metrics.update {
            if isEcho { $0.answers += 1 }
            $0.recordCopy(isEcho ? .echo : .broadcast, fromPlanned: latency, fromSend: fromSend)
        }
    }

    /// `sender.count.plannedNanoseconds.lagNanoseconds` ids (`w` before whispers'), as this generator writes
    /// them; an id without the lag (`sender.count.plannedNanoseconds`) has lag 0.
    static func parseID(_ id: String) -> (sender: Int, sentAt: Int64, lag: Int64)? {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4, let sender = Int(parts[0].drop { $0 == "w" }),
            let sentAt = Int64(parts[2])
        else { return nil }
        guard parts.count == 4 else { return (sender, sentAt, 0) }
        guard let lag = Int64(parts[3]) else { return nil }
        return (sender, sentAt, lag)
    }

    /// The id of a send planned at `scheduledNanoseconds` going out at `sentNanoseconds`: it carries both, so the
    /// copies can be timed from either.
    private func sendID(prefix: String, scheduledNanoseconds: Int64, sentNanoseconds: Int64) -> String {
        let lag = max(0, sentNanoseconds - scheduledNanoseconds)
        return "\(prefix)\(self.planned.index).\(self.sentCount).\(scheduledNanoseconds).\(lag)"
    }

    // MARK: Sending

    private func join(_ room: String) {
        self.pendingJoins[room] = LoadRunContext.now()
        self.connection?.send(text: ClientFrame.join(room: room, id: "join").encoded())
    }

    private func leave(_ room: String) {
        // A join still waiting for its ack counts: the server handles the two in order.
        guard self.memberships[room] != nil || self.pendingJoins[room] != nil else { return }
        self.pendingLeaves[room] = LoadRunContext.now()
        self.connection?.send(text: ClientFrame.leave(room: room, id: "leave").encoded())
    }

    private func filler(_ content: MessageContent, reserved: Int) -> String {
        switch content {
        case .text(let text): return text
        case .size(let size):
            let length = max(0, size - reserved)
            if let cached = self.fillerBySize[length] { return cached }
            let filler = String(repeating: "x", count: length)
            self.fillerBySize[length] = filler
            return filler
        }
    }

    /// Sends one room message planned for `scheduledNanoseconds` (its latency is measured from then, and from
    /// the moment it actually goes out).
    func say(room: String?, content: MessageContent, scheduledNanoseconds: Int64) {
        let sentNanoseconds = LoadRunContext.now()
        guard let connection = self.connection else {
            self.failedSend(SendFailure.notConnected)
            return
        }
        let text: String
        if self.isChat {
            guard let room = room ?? self.memberships.rooms.sorted().randomElement(using: &self.random) else {
                self.failedSend(SendFailure.noRoom)
                return
            }
            self.sentCount += 1
            let id = self.sendID(prefix: "", scheduledNanoseconds: scheduledNanoseconds, sentNanoseconds: sentNanoseconds)
            text = ClientFrame.say(room: room, content: self.filler(content, reserved: id.utf8.count + 40), id: id).encoded()
        } else {
            self.sentCount += 1
            let number = self.run.rawSendCounter.wrappingIncrementThenLoad(ordering: .relaxed)
            let marker = RawMarker(
                sender: self.planned.index, senderNumber: self.sentCount, globalNumber: number,
                sentNanoseconds: scheduledNanoseconds, lagNanoseconds: max(0, sentNanoseconds - scheduledNanoseconds))
            text = marker.text + self.filler(content, reserved: marker.text.utf8.count)
        }
        self.record(
            connection.send(text: text), bytes: text.utf8.count, lag: sentNanoseconds - scheduledNanoseconds)
    }

    /// Sends one whisper to user `targetIndex`, if that user is connected.
    func whisper(to targetIndex: Int, content: MessageContent, scheduledNanoseconds: Int64) {
        let sentNanoseconds = LoadRunContext.now()
        guard let connection = self.connection, self.isChat else {
            self.failedSend(SendFailure.notConnected)
            return
        }
        guard self.run.isReady(targetIndex) else {
            self.failedSend(SendFailure.targetNotConnected)
            return
        }
        self.sentCount += 1
        let target = self.run.plan.users[targetIndex].name
        let id = self.sendID(prefix: "w", scheduledNanoseconds: scheduledNanoseconds, sentNanoseconds: sentNanoseconds)
        let text = ClientFrame.whisper(
            to: target, content: self.filler(content, reserved: id.utf8.count + 40), id: id
        ).encoded()
        let result = connection.send(text: text)
        if result == .queued { self.metrics.update { $0.whispersSent += 1 } }
        self.record(result, bytes: text.utf8.count, lag: sentNanoseconds - scheduledNanoseconds)
    }

    /// Counts a send that went out `lag` nanoseconds after its planned time.
    private func record(_ result: WebSocketSendResult, bytes: Int, lag: Int64) {
        let now = LoadRunContext.now()
        let late = lag > self.run.lateThresholdNanoseconds
        let failure = result == .queueFull ? SendFailure.queueFull : SendFailure.connectionClosed
        let seconds = self.secondsIntoRun(now)
        self.metrics.update {
            guard result == .queued else {
                $0.failedSends += 1
                FailureCauses.add(failure, at: seconds, to: &$0.failures.send)
                return
            }
            $0.sends += 1
            $0.messagesOut += 1
            $0.bytesOut += bytes
            if late { $0.lateSends += 1 }
            $0.maxSendLagNanoseconds = max($0.maxSendLagNanoseconds, lag)
        }
    }

    /// Counts a send that could not go out, by cause.
    private func failedSend(_ cause: String) {
        let seconds = self.secondsIntoRun()
        self.metrics.update {
            $0.failedSends += 1
            FailureCauses.add(cause, at: seconds, to: &$0.failures.send)
        }
    }

    /// Seconds since the run started, for the first sighting of a failure cause.
    private func secondsIntoRun(_ now: Int64 = LoadRunContext.now()) -> Double {
        Double(now - self.run.startNanoseconds) / 1e9
    }

    /// Carries out one open-model arrival.
    func perform(_ arrival: PlannedArrival, action: ArrivalAction, content: MessageContent, scheduledNanoseconds: Int64) {
        self.metrics.update { $0.arrivalsPerformed += 1 }
        switch action {
        case .say: self.say(room: arrival.room, content: content, scheduledNanoseconds: scheduledNanoseconds)
        case .whisper:
            guard let target = arrival.targetIndex else {
                self.failedSend(SendFailure.noWhisperTarget)
                return
            }
            self.whisper(to: target, content: content, scheduledNanoseconds: scheduledNanoseconds)
        }
    }

    // MARK: Script

    /// Runs the group's script (nothing when it has no steps) until it ends or ``stopScript(finished:)``.
    func startScript(steps: [Step]) {
        guard !steps.isEmpty else { return }
        self.script = [ScriptFrame(steps: steps, next: 0, repeatsLeft: 0)]
        self.keepsFramesForExpect = Self.containsExpect(steps)
        self.unconsumed.removeAll()
        self.scriptRunning = true
        self.run.scriptsRunning.wrappingIncrement(ordering: .relaxed)
        self.metrics.update { $0.scriptsStarted += 1 }
        self.runNextStep()
    }

    /// Ends the script: `finished` when its last step is done, otherwise it is cut short (the phase ended,
    /// or the run), which counts in `scripts.stopped`.
    func stopScript(finished: Bool = false) {
        self.scriptTask?.cancel()
        self.scriptTask = nil
        if let (_, timeout) = self.expectation {
            // Still waiting when the phase ended: that expectation was not met.
            timeout.cancel()
            self.metrics.update { $0.expectFailed += 1 }
        }
        self.expectation = nil
        if self.scriptRunning {
            self.scriptRunning = false
            self.run.scriptsRunning.wrappingDecrement(ordering: .relaxed)
            self.metrics.update { finished ? ($0.scriptsFinished += 1) : ($0.scriptsStopped += 1) }
        }
    }

    private func after(_ seconds: Double, _ body: @escaping @Sendable () -> Void) {
        self.scriptTask = self.eventLoop.scheduleTask(in: .fromSeconds(seconds), body)
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
        while self.scriptRunning {
            guard var frame = self.script.popLast() else { return self.stopScript(finished: true) }
            if frame.next >= frame.steps.count {
                if frame.repeatsLeft > 0 {
                    frame.repeatsLeft -= 1
                    frame.next = 0
                    self.script.append(frame)
                }
            } else {
                let step = frame.steps[frame.next]
                frame.next += 1
                self.script.append(frame)
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
            while let frame = self.unconsumed.popFirst() {
                if self.matches(expect, frame) { return .done }
            }
            let timeout = self.eventLoop.scheduleTask(in: .fromSeconds(expect.timeoutSeconds)) {
                self.expectation = nil
                self.metrics.update { $0.expectFailed += 1 }
                self.runNextStep()
            }
            self.expectation = (expect, timeout)
            return .suspended
        case .http(let http):
            self.performHTTP(http)
            return .suspended
        case .repeat(let times, let steps):
            self.script.append(ScriptFrame(steps: steps, next: 0, repeatsLeft: times - 1))
            return .done
        }
    }

    /// Sends `count` times, `1/rate` apart from `start` (each timed from its planned instant), then goes on.
    private func repeatSend(
        count: Int, ratePerSecond: Double?, start: Int64, sent: Int, _ send: @escaping @Sendable (Int64) -> Void
    ) {
        guard self.scriptRunning else { return }
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
            self.scriptTask = self.eventLoop.scheduleTask(in: .nanoseconds(planned - now)) {
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
    private func checkExpectation(_ frame: ServerFrame) -> Bool {
        guard let (step, timeout) = self.expectation, self.matches(step, frame) else { return false }
        timeout.cancel()
        self.expectation = nil
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

    // MARK: End of run

    /// What the drain needs to tell whether every copy expected of this user has arrived.
    func deliveryProgress() -> DeliveryProgress {
        self.eventLoop.assertInEventLoop()
        var progress = DeliveryProgress(open: self.memberships.all)
        for membership in self.finished {
            progress.endedHighest[membership.room] = max(
                progress.endedHighest[membership.room] ?? 0, membership.tracker.highestSeen)
        }
        if self.connection != nil, let readyAt = self.rawReadyAtCounter {
            let expected = self.run.rawSendCounter.load(ordering: .relaxed) - readyAt
            progress.rawMissing = max(0, expected - self.rawReceived)
        }
        return progress
    }

    /// Stops counting and hands over what was counted.
    func finishAccounting() -> UserAccounting {
        var memberships = self.finished
        memberships += self.memberships.all
        return UserAccounting(
            userIndex: self.planned.index, memberships: memberships, rawTrackers: self.rawTrackers,
            rawReadyAtCounter: self.rawReadyAtCounter, wasEverReady: self.wasEverReady,
            lostConnection: self.lostConnection)
    }
}

/// The marker chatctl puts at the start of every raw-mode payload: who sent it, its number, when it was planned
/// and how late it went out. `chatctl|SENDER|N|GLOBAL|NANOSECONDS|LAG|`. A server may echo it anywhere in a line:
/// ``RawMarkerScanner`` finds it.
struct RawMarker: Equatable {
    var sender: Int
    var senderNumber: Int
    var globalNumber: Int
    /// The planned send time.
    var sentNanoseconds: Int64
    /// How long after `sentNanoseconds` the send actually went out.
    var lagNanoseconds: Int64

    var text: String {
        "chatctl|\(self.sender)|\(self.senderNumber)|\(self.globalNumber)|\(self.sentNanoseconds)|\(self.lagNanoseconds)|"
    }

    init(sender: Int, senderNumber: Int, globalNumber: Int, sentNanoseconds: Int64, lagNanoseconds: Int64 = 0) {
        self.sender = sender
        self.senderNumber = senderNumber
        self.globalNumber = globalNumber
        self.sentNanoseconds = sentNanoseconds
        self.lagNanoseconds = lagNanoseconds
    }

    private static let prefix: [UInt8] = Array("chatctl|".utf8)

    /// Reads the marker at the start of a payload, from its bytes.
    init?(parsing buffer: ByteBuffer) {
        let parsed: (Int64, Int64, Int64, Int64, Int64)? = buffer.withUnsafeReadableBytes { bytes in
            let prefix = RawMarker.prefix
            guard bytes.count > prefix.count, bytes.prefix(prefix.count).elementsEqual(prefix) else { return nil }
            var fields: (Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0)
            var index = prefix.count
            for field in 0..<5 {
                var value: Int64 = 0
                var digits = 0
                // At most 18 digits: 19 nines overflow Int64 (a server's garbage must not crash the generator).
                while index < bytes.count, (0x30...0x39).contains(bytes[index]), digits < 18 {
                    value = value * 10 + Int64(bytes[index] - 0x30)
                    digits += 1
                    index += 1
                }
                guard digits > 0, index < bytes.count, bytes[index] == 0x7C else { return nil }
                index += 1
                switch field {
                case 0: fields.0 = value
                case 1: fields.1 = value
                case 2: fields.2 = value
                case 3: fields.3 = value
                default: fields.4 = value
                }
            }
            return fields
        }
        guard let (sender, number, global, sent, lag) = parsed, sender <= Int.max, number <= Int.max else { return nil }
        self.init(
            sender: Int(sender), senderNumber: Int(number), globalNumber: Int(global), sentNanoseconds: sent,
            lagNanoseconds: lag)
    }
}
