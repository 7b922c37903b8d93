import ChatKit
import NIOCore

// Chat-protocol accounting: room memberships, sequence tracking, latency samples and whisper delivery.
extension SimulatedUser {
    /// Counts a scanned frame; `bytes` are the frame's, which its ranges index into.
    func handleScanned(_ frame: ScannedFrame, in bytes: UnsafeRawBufferPointer, now: Int64, measuring: Bool) {
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

    func handle(_ frame: ServerFrame, now: Int64, measuring: Bool) {
        switch frame {
        case .welcome where self.recovery.away != nil:
            self.rejoinAfterChurn()
        case .welcome:
            self.initialRoomsPending = Set(self.planned.rooms)
            if self.planned.rooms.isEmpty { self.becameReady() }
            for room in self.planned.rooms { self.join(room) }
        case .joined(let room, _, let seq, _, let epoch, let recovered, _):
            let requested = self.pendingJoins.removeValue(forKey: room) ?? now
            // A membership lost with the connection ends where this one begins.
            let disconnected = self.finished.lastIndex { $0.room == room && $0.end == .disconnected(rejoinSeq: nil) }
            if let index = disconnected {
                self.finished[index].end = .disconnected(rejoinSeq: seq)
            }
            self.recoveryJoined(room: room, seq: seq, epoch: epoch, recovered: recovered, disconnected: disconnected)
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
        case .error(let code, let message, let id):
            // A refused join of a room the user starts in: it never becomes ready, and this is why.
            let refusedJoin = id == "join" && !self.wasEverReady && !self.initialRoomsPending.isEmpty
            let seconds = refusedJoin ? self.secondsIntoRun() : 0
            if measuring || refusedJoin {
                self.metrics.update {
                    if measuring {
                        $0.errors[code.rawValue, default: 0] += 1
                        $0.answers += 1
                    }
                    if refusedJoin {
                        FailureCauses.add("join refused: \(code): \(message)", at: seconds, to: &$0.failures.connect)
                    }
                }
            }
        case .history(let room, let messages, _):
            self.recoveryHistory(room: room, messages: messages, now: now)
        case .users:
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
}
