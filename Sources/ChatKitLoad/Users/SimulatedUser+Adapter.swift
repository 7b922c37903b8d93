import ChatKit
import NIOCore

// Users speaking a protocol through its adapter (``ProtocolAdapter``; `chat` and `raw` have paths of their own):
// the session set-up, the sends, and the accounting of what arrives, from chatctl's markers in the texts.
extension SimulatedUser {
    // MARK: Connection

    /// The WebSocket is open: sends the protocol's opening frames, then joins the initial rooms.
    func adapterDidOpen(_ connection: WebSocketConnection) {
        guard var session = self.adapterSession else { return }
        for frame in session.adapter.openingFrames(name: self.name, userIndex: self.planned.index) {
            _ = connection.send(text: frame)
        }
        session.pendingJoins.removeAll()
        session.initialRoomsPending = Set(self.planned.rooms)
        self.adapterSession = session
        if session.adapter.capabilities.readyOnOpen { self.adapterSessionReady() }
    }

    /// The session is set up: joins the initial rooms; ready at once when there is none.
    private func adapterSessionReady() {
        if self.planned.rooms.isEmpty {
            self.becameReady()
            return
        }
        for room in self.planned.rooms { self.adapterJoin(room) }
    }

    /// The connection is gone: every open membership ends with it (what is sent while away counts as lost).
    func adapterDidClose() {
        guard var session = self.adapterSession else { return }
        let now = LoadRunContext.now()
        for var membership in session.open.values {
            membership.disconnected = true
            membership.endNanoseconds = now
            session.finished.append(membership)
        }
        session.open.removeAll()
        session.pendingJoins.removeAll()
        self.adapterSession = session
    }

    // MARK: Sending

    func adapterJoin(_ room: String) {
        guard var session = self.adapterSession, let connection = self.connection else { return }
        let ackID = session.nextAckID
        session.nextAckID += 1
        guard let frame = session.adapter.joinFrame(room: room, ackID: ackID) else { return }
        _ = connection.send(text: frame)
        if session.adapter.capabilities.joinAcks {
            session.pendingJoins.append((room, ackID, LoadRunContext.now()))
            self.adapterSession = session
        } else {
            self.adapterSession = session
            self.adapterJoined(room, requestedNanoseconds: LoadRunContext.now())
        }
    }

    func adapterLeave(_ room: String) {
        guard var session = self.adapterSession, let connection = self.connection,
            let frame = session.adapter.leaveFrame(room: room)
        else { return }
        _ = connection.send(text: frame)
        if var membership = session.open.removeValue(forKey: room) {
            membership.through = self.run.roomSends.current(room)
            membership.endNanoseconds = LoadRunContext.now()
            session.finished.append(membership)
        }
        self.adapterSession = session
    }

    /// The text of a room message with its marker: the room's next number, and this user's next number there.
    func adapterSayText(room: String, scheduledNanoseconds: Int64, sentNanoseconds: Int64) -> String {
        let senderNumber = (self.adapterSession?.sendsByRoom[room] ?? 0) + 1
        self.adapterSession?.sendsByRoom[room] = senderNumber
        let marker = RawMarker(
            sender: self.planned.index, senderNumber: senderNumber, globalNumber: self.run.roomSends.next(room),
            sentNanoseconds: scheduledNanoseconds, lagNanoseconds: max(0, sentNanoseconds - scheduledNanoseconds))
        return marker.text
    }

    /// The rooms the user can say something in now.
    var adapterRooms: [String] { self.adapterSession.map { Array($0.open.keys) } ?? [] }

    // MARK: Receiving

    func adapterReceived(_ text: String, now: Int64, measuring: Bool) {
        guard let session = self.adapterSession else { return }
        if measuring {
            self.metrics.update {
                $0.messagesIn += 1
                $0.bytesIn += text.utf8.count
            }
        }
        for event in session.adapter.events(in: text) {
            self.handle(event, now: now, measuring: measuring)
        }
    }

    private func handle(_ event: ProtocolEvent, now: Int64, measuring: Bool) {
        switch event {
        case .ready:
            self.adapterSessionReady()
        case .reply(let frame):
            _ = self.connection?.send(text: frame)
        case .joined(let room, let ackID):
            // The ack names its join by id or by room; one that names neither acknowledges the oldest.
            guard var session = self.adapterSession,
                let position = session.pendingJoins.firstIndex(where: { pending in
                    if let ackID { return pending.ackID == ackID }
                    if let room { return pending.room == room }
                    return true
                })
            else { return }
            let acked = session.pendingJoins.remove(at: position)
            self.adapterSession = session
            self.adapterJoined(acked.room, requestedNanoseconds: acked.requestedNanoseconds)
        case .roomMessage(let room, _, let text):
            guard measuring else { return }
            RawMarkerScanner.forEachMarker(in: ByteBuffer(string: text)) { marker in
                self.countRoomCopy(marker, room: room, now: now)
            }
        case .whisper(let from, let to, let text):
            guard measuring else { return }
            let marker = RawMarker(parsing: ByteBuffer(string: text))
            let fromMe = from.map { $0 == self.name } ?? (marker?.sender == self.planned.index)
            let toMe = to.map { $0 == self.name } ?? !fromMe
            self.metrics.update {
                if fromMe { $0.answers += 1 }
                if toMe {
                    $0.whispersDelivered += 1
                    if let marker {
                        let latency = now - marker.sentNanoseconds
                        $0.recordCopy(.whisper, fromPlanned: latency, fromSend: latency - marker.lagNanoseconds)
                    }
                } else if !fromMe {
                    $0.whisperLeaks += 1
                }
            }
        case .sessionEnded(let reason):
            self.connection?.close(code: WebSocketCloseCode.normal, reason: reason)
        case .presence(let room, let name):
            // Joins of other users of this run (this shard's, in a sharded run) in a room the user is in.
            guard measuring, let room, let name, name != self.name, self.adapterSession?.open[room] != nil,
                let index = self.run.plan.userIndex(named: name), self.run.plan.isLocal(index)
            else { return }
            self.adapterSession?.open[room]?.presenceObserved += 1
        case .error(let code):
            guard measuring else { return }
            self.metrics.update {
                $0.errors[code, default: 0] += 1
            }
        }
    }

    /// A membership of `room` begins now: it expects every send to the room numbered from here on.
    private func adapterJoined(_ room: String, requestedNanoseconds: Int64) {
        guard var session = self.adapterSession else { return }
        let current = self.run.roomSends.current(room)
        let now = LoadRunContext.now()
        // A membership lost with the connection ends where this one begins.
        if let index = session.finished.lastIndex(where: { $0.room == room && $0.disconnected && $0.through == nil }) {
            session.finished[index].through = current
        }
        if session.open[room] == nil {
            var membership = MarkerMembership(room: room, startAfter: current)
            membership.countsPresence = session.adapter.capabilities.presence
            membership.joinRequestedNanoseconds = requestedNanoseconds
            membership.joinAckNanoseconds = now
            session.open[room] = membership
        }
        let becameReady = session.initialRoomsPending.remove(room) != nil && session.initialRoomsPending.isEmpty
        self.adapterSession = session
        if becameReady { self.becameReady() }
    }

    /// Counts one copy of a room message: delivery in the membership of its room (the user's only room when the
    /// frame does not say), latency from its marker.
    private func countRoomCopy(_ marker: RawMarker, room: String?, now: Int64) {
        guard let open = self.adapterSession?.open else { return }
        let roomName = room ?? (open.count == 1 ? open.keys.first : nil)
        // Delivery counts this process's users' sends (another shard numbers its own); every copy gives latency.
        if self.run.plan.isLocal(marker.sender), let roomName, open[roomName] != nil {
            self.adapterSession?.open[roomName]?.record(
                sender: marker.sender, senderNumber: marker.senderNumber, roomNumber: marker.globalNumber)
        } else if room == nil && open.count > 1 {
            self.metrics.update { $0.errors["message_without_room", default: 0] += 1 }
        }
        let latency = now - marker.sentNanoseconds
        let isEcho = marker.sender == self.planned.index
        self.metrics.update {
            if isEcho { $0.answers += 1 }
            $0.recordCopy(isEcho ? .echo : .broadcast, fromPlanned: latency, fromSend: latency - marker.lagNanoseconds)
        }
    }

    // MARK: End of run

    /// Copies expected of this user's open memberships that have not arrived (0 when it is not connected).
    func adapterMissing() -> Int {
        guard self.connection != nil, let session = self.adapterSession else { return 0 }
        return session.open.values.reduce(0) { missing, membership in
            missing + max(0, membership.expected(lastNumber: self.run.roomSends.current(membership.room)) - membership.received)
        }
    }

    /// Every membership, open ones included.
    func adapterMemberships() -> [MarkerMembership] {
        guard let session = self.adapterSession else { return [] }
        return session.finished + Array(session.open.values)
    }
}
