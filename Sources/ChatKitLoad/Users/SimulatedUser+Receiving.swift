import ChatKit
import NIOCore

// The WebSocket delegate's receive callbacks: they hand each frame to the chat or the raw accounting, and to
// a pending `expect` step.
extension SimulatedUser {
    // MARK: Receiving

    /// The hot path: most frames are room messages, whispers and presence, read from their bytes by ``FrameScanner``
    /// and counted with one metrics update. Everything else (and every frame while an `expect` may need it)
    /// goes through the full decoder.
    func webSocket(_ connection: WebSocketConnection, didReceiveTextBytes bytes: ByteBuffer) {
        let now = LoadRunContext.now()
        let measuring = self.run.measuring.load(ordering: .relaxed)
        if self.adapterSession != nil {
            self.adapterReceived(String(decoding: bytes.readableBytesView, as: UTF8.self), now: now, measuring: measuring)
            return
        }
        if self.isChat {
            if self.scriptState.expectation == nil && !self.scriptState.keepsFramesForExpect {
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

    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String) {
        let now = LoadRunContext.now()
        let measuring = self.run.measuring.load(ordering: .relaxed)
        if self.adapterSession != nil {
            self.adapterReceived(text, now: now, measuring: measuring)
            return
        }
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
            if self.scriptState.expectation != nil && self.checkExpectation(frame) {
                // consumed
            } else if self.scriptState.keepsFramesForExpect {
                if self.scriptState.unconsumed.count >= ScriptState.unconsumedLimit {
                    self.scriptState.unconsumed.removeFirst()
                }
                self.scriptState.unconsumed.append(frame)
            }
        } else if measuring {
            RawMarkerScanner.forEachMarker(in: ByteBuffer(string: text)) { self.handleRaw($0, now: now) }
        }
    }

    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer) {
        self.metrics.update { $0.errors["unexpected_binary", default: 0] += 1 }
    }
}
