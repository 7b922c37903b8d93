import ChatKit
import NIOCore

// Recovery after a planned disconnection: rejoining each room with `since` (the last seq seen) and `epoch`, and
// counting what the server replays into the membership the disconnection ended, so that a recovered copy counts
// as delivered and only what could not be recovered counts as lost (docs/scenarios.md, "Churn and recovery").
extension SimulatedUser {
    /// Whether joins ask for the room's epoch (`since: 0` on a first join), which a later recovery sends back so
    /// that a re-created room is told from the one the user knew.
    var joinsWithEpoch: Bool { self.run.scenario.churn.contains(where: \.recover) }

    /// On `welcome` after a churn: rejoins the rooms the user was in, with `since` and `epoch` when recovering.
    /// The user is ready again once every one is joined.
    func rejoinAfterChurn() {
        guard let away = self.recovery.away else { return }
        self.initialRoomsPending = Set(away.rooms.map(\.room))
        if away.rooms.isEmpty { return self.becameReady() }
        let now = LoadRunContext.now()
        for rejoin in away.rooms {
            self.pendingJoins[rejoin.room] = now
            if away.recover {
                self.recovery.replays[rejoin.room] = UserRecoveryState.Replay(since: rejoin.since, epoch: rejoin.epoch)
                self.metrics.update { $0.recovery.rejoins += 1 }
            }
            let frame = ClientFrame.join(
                room: rejoin.room, id: "join", since: away.recover ? rejoin.since : nil,
                epoch: away.recover ? rejoin.epoch : nil)
            self.connection?.send(text: frame.encoded())
        }
    }

    /// On `joined`: remembers the room's epoch and, for a rejoin with `since`, decides what the following `history`
    /// completes. `disconnected` is the membership the churn ended (its end is already this join's seq).
    func recoveryJoined(
        room: String, seq: Int, epoch: String?, recovered: Bool?, disconnected: Int?
    ) {
        let known = self.recovery.epochs[room]
        if let epoch { self.recovery.epochs[room] = epoch }
        guard var replay = self.recovery.replays[room] else { return }
        guard let index = disconnected else {
            self.recovery.replays[room] = nil
            return
        }
        if recovered == true {
            replay.finishedIndex = index
            self.recovery.replays[room] = replay
            return
        }
        // A gap: what was missed before the history's first seq cannot be recovered.
        let cause: String
        if let epoch, let expected = replay.epoch ?? known, epoch != expected {
            // Another room by the same name: the old one's last messages are unknown, the new one's history is not
            // the user's to count.
            cause = "room re-created (new epoch)"
            self.finished[index].end = .disconnected(rejoinSeq: replay.since)
            self.recovery.replays[room] = nil
        } else if seq < replay.since {
            cause = "since beyond the room's seq"
            self.finished[index].end = .disconnected(rejoinSeq: replay.since)
            self.recovery.replays[room] = nil
        } else {
            cause = "history too short (recovered: false)"
            replay.finishedIndex = index
            self.recovery.replays[room] = replay
        }
        let seconds = self.secondsIntoRun()
        self.metrics.update {
            $0.recovery.gaps += 1
            $0.failures.addRecovery(LoadReport.gapCausePrefix + cause, at: seconds)
        }
    }

    /// On `history`: the replayed messages after `since` complete the membership the churn ended. Each copy not
    /// received before counts as delivered and recovered, timed from its send's planned time.
    func recoveryHistory(room: String, messages: [ChatMessage], now: Int64) {
        guard let replay = self.recovery.replays.removeValue(forKey: room), let index = replay.finishedIndex,
            index < self.finished.count
        else { return }
        var recovered = 0
        var answers = 0
        var latencies: [Int64] = []
        for message in messages where message.seq > replay.since {
            guard self.finished[index].tracker.record(message.seq) else { continue }
            recovered += 1
            if let parsed = message.id.flatMap(Self.parseID) {
                latencies.append(now - parsed.sentAt)
                if parsed.sender == self.planned.index { answers += 1 }
            }
        }
        guard recovered > 0 else { return }
        self.metrics.update {
            $0.recovery.recovered += recovered
            $0.answers += answers
            for latency in latencies { $0.recovery.recoveredLatency.record(nanoseconds: latency) }
        }
    }
}
