import ChatKit
import NIOCore

// Raw-mode accounting: the markers (``RawMarker``) found in received text frames.
extension SimulatedUser {
    /// Counts a raw text frame: one received frame, holding a message per line, each with at most one marker
    /// (see ``RawMarkerScanner``).
    func handleRawFrame(_ bytes: ByteBuffer, now: Int64) {
        self.metrics.update {
            $0.messagesIn += 1
            $0.bytesIn += bytes.readableBytes
        }
        RawMarkerScanner.forEachMarker(in: bytes) { self.handleRaw($0, now: now) }
    }

    func handleRaw(_ marker: RawMarker, now: Int64) {
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
}
