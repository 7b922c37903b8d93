import ChatKit
import NIOCore

// Joins, leaves, room messages and whispers, and the counting of each send.
extension SimulatedUser {
    /// The id of a send planned at `scheduledNanoseconds` going out at `sentNanoseconds`: it carries both, so the
    /// copies can be timed from either.
    private func sendID(prefix: String, scheduledNanoseconds: Int64, sentNanoseconds: Int64) -> String {
        let lag = max(0, sentNanoseconds - scheduledNanoseconds)
        return "\(prefix)\(self.planned.index).\(self.sentCount).\(scheduledNanoseconds).\(lag)"
    }

    // MARK: Sending

    /// The frames of the two protocols with receive paths of their own (`+ChatAccounting`, `+RawAccounting`).
    static let chatAdapter = ChatProtocolAdapter()
    static let rawAdapter = RawProtocolAdapter()

    func join(_ room: String) {
        if self.adapterSession != nil { return self.adapterJoin(room) }
        self.pendingJoins[room] = LoadRunContext.now()
        let since = self.joinsWithEpoch ? 0 : nil
        self.connection?.send(text: ClientFrame.join(room: room, id: "join", since: since).encoded())
    }

    func leave(_ room: String) {
        if self.adapterSession != nil { return self.adapterLeave(room) }
        // A join still waiting for its ack counts: the server handles the two in order.
        guard self.memberships[room] != nil || self.pendingJoins[room] != nil else { return }
        self.pendingLeaves[room] = LoadRunContext.now()
        self.connection?.send(text: Self.chatAdapter.leaveFrame(room: room) ?? "")
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
        if self.recovery.away != nil {
            return self.holdWhileAway { self.say(room: room, content: content, scheduledNanoseconds: scheduledNanoseconds) }
        }
        let sentNanoseconds = LoadRunContext.now()
        guard let connection = self.connection else {
            self.failedSend(SendFailure.notConnected)
            return
        }
        let text: String
        if let session = self.adapterSession {
            guard let room = room ?? self.adapterRooms.sorted().randomElement(using: &self.random) else {
                self.failedSend(SendFailure.noRoom)
                return
            }
            self.sentCount += 1
            let marker = self.adapterSayText(
                room: room, scheduledNanoseconds: scheduledNanoseconds, sentNanoseconds: sentNanoseconds)
            text = session.adapter.sayFrame(room: room, text: marker + self.filler(content, reserved: marker.utf8.count))
        } else if self.isChat {
            guard let room = room ?? self.memberships.rooms.sorted().randomElement(using: &self.random) else {
                self.failedSend(SendFailure.noRoom)
                return
            }
            self.sentCount += 1
            let id = self.sendID(prefix: "", scheduledNanoseconds: scheduledNanoseconds, sentNanoseconds: sentNanoseconds)
            text = Self.chatAdapter.sayFrame(room: room, text: self.filler(content, reserved: id.utf8.count + 40), id: id)
        } else {
            self.sentCount += 1
            let number = self.run.rawSendCounter.wrappingIncrementThenLoad(ordering: .relaxed)
            let marker = RawMarker(
                sender: self.planned.index, senderNumber: self.sentCount, globalNumber: number,
                sentNanoseconds: scheduledNanoseconds, lagNanoseconds: max(0, sentNanoseconds - scheduledNanoseconds))
            text = Self.rawAdapter.sayFrame(room: "", text: marker.text + self.filler(content, reserved: marker.text.utf8.count))
        }
        self.record(
            connection.send(text: text), bytes: text.utf8.count, lag: sentNanoseconds - scheduledNanoseconds)
    }

    /// Sends one whisper to user `targetIndex`, if that user is connected.
    func whisper(to targetIndex: Int, content: MessageContent, scheduledNanoseconds: Int64) {
        if self.recovery.away != nil {
            return self.holdWhileAway { self.whisper(to: targetIndex, content: content, scheduledNanoseconds: scheduledNanoseconds) }
        }
        let sentNanoseconds = LoadRunContext.now()
        guard let connection = self.connection, self.isChat || self.adapterSession != nil else {
            self.failedSend(SendFailure.notConnected)
            return
        }
        guard self.run.isReady(targetIndex) else {
            self.failedSend(SendFailure.targetNotConnected)
            return
        }
        self.sentCount += 1
        let target = self.run.plan.users[targetIndex].name
        let text: String
        if let session = self.adapterSession {
            let marker = RawMarker(
                sender: self.planned.index, senderNumber: self.sentCount, globalNumber: 0,
                sentNanoseconds: scheduledNanoseconds, lagNanoseconds: max(0, sentNanoseconds - scheduledNanoseconds))
            let body = marker.text + self.filler(content, reserved: marker.text.utf8.count)
            guard let frame = session.adapter.whisperFrame(to: target, text: body) else {
                self.failedSend(SendFailure.notConnected)
                return
            }
            text = frame
        } else {
            let id = self.sendID(prefix: "w", scheduledNanoseconds: scheduledNanoseconds, sentNanoseconds: sentNanoseconds)
            text = Self.chatAdapter.whisperFrame(
                to: target, text: self.filler(content, reserved: id.utf8.count + 40), id: id)
        }
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
    func failedSend(_ cause: String) {
        let seconds = self.secondsIntoRun()
        self.metrics.update {
            $0.failedSends += 1
            FailureCauses.add(cause, at: seconds, to: &$0.failures.send)
        }
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
}
