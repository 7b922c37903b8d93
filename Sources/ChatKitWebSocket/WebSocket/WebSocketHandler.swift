import NIOCore
import NIOWebSocket

/// Which end of the connection a ``WebSocketHandler`` plays: it decides masking in both directions.
package enum WebSocketRole: Sendable {
    /// Expects masked frames, sends unmasked ones.
    case server
    /// Expects unmasked frames, masks every frame it sends.
    case client
}

/// The WebSocket connection life cycle on top of NIO's frame codec (RFC 6455): reassembly of fragmented
/// messages, UTF-8 validation (fragment by fragment for fragmented messages), size limit, ping/pong,
/// keepalive with a dead-peer timeout, and the close handshake. It hands whole messages to a
/// ``WebSocketDelegate`` and writes what the connection's outbox holds.
///
/// It encodes what it sends itself (``WebSocketFrameBytes``) and writes bytes straight towards the socket:
/// a room message encoded once goes to every member as the same buffer, with no encoder handler in between
/// (one pipeline step and one boxed `NIOAny` less per delivered copy).
package final class WebSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = WebSocketFrame
    package typealias OutboundOut = ByteBuffer

    private enum CloseState {
        case open
        /// We sent a close frame and wait for the peer's.
        case closeSent
        /// The TCP connection is gone.
        case closed
    }

    private let role: WebSocketRole
    private let configuration: WebSocketConfiguration
    private let delegate: WebSocketDelegate
    private var context: ChannelHandlerContext?
    package private(set) var connection: WebSocketConnection?

    private var closeState = CloseState.open
    /// The channel's writability, as last reported to this handler (read on every drain: cheaper than asking
    /// the channel).
    private var isWritable = true
    private var fragmentOpcode: WebSocketOpcode?
    private var fragmentBuffer: ByteBuffer?
    /// Validates a fragmented text message as its fragments arrive (fail fast); `nil` for binary messages.
    private var fragmentValidator: UTF8StreamValidator?
    private var receivedCloseCode: UInt16?
    private var receivedCloseReason = ""
    /// The latest ping's payload, not yet answered because the socket was not writable.
    private var pendingPong: ByteBuffer?

    /// Whether a frame arrived since the last keepalive ping was sent: a flag, not a time, so that receiving a
    /// frame reads no clock.
    private var frameReceivedSincePing = false
    // Timers are LoopTimers, disarmed in O(1): NIO's cancel scans every task scheduled on the loop.
    private var pingTimer: LoopTimer?
    private var deadPeerCheck: LoopTimer?
    private var closeTimer: LoopTimer?

    package init(role: WebSocketRole, configuration: WebSocketConfiguration, delegate: WebSocketDelegate) {
        self.role = role
        self.configuration = configuration
        self.delegate = delegate
    }

    // MARK: Life cycle

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.isWritable = context.channel.isWritable
        // Only the loop's drain pass calls this (LoopDrainScheduler.runPass, on this loop): a plain reference,
        // without NIOLoopBound's in-loop check on every drain (a thread-local lookup per delivered copy).
        let handler = LoopOnlyReference(self)
        let outbox = WebSocketOutbox(
            limit: self.configuration.sendQueueLimit, byteLimit: self.configuration.sendQueueBytes,
            eventLoop: context.eventLoop
        ) {
            handler.value.drainOutbox()
        }
        let connection = WebSocketConnection(
            channel: context.channel, outbox: outbox, closeTimeout: self.configuration.closeTimeout)
        self.connection = connection
        if context.channel.isActive {
            self.startKeepalive(context: context)
            self.delegate.webSocketDidOpen(connection)
        } else {
            // The peer dropped TCP while the upgrade was completing: channelInactive has already gone past this
            // point and will not come again. Report the connection's short life, so that every delegate sees an
            // open followed by exactly one close (a client waiting for its events would wait forever) — but
            // on the next loop pass: frames that arrived with the handshake are replayed into this handler
            // right after it is added, and the peer's last words must be delivered before the close.
            self.delegate.webSocketDidOpen(connection)
            let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute { loopBoundSelf.value.connectionClosed() }
        }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.stopTimers()
        self.context = nil
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.connectionClosed()
        context.fireChannelInactive()
    }

    /// TCP is gone: stops the timers, shuts the outbox and tells the delegate, once.
    private func connectionClosed() {
        self.closeState = .closed
        self.stopTimers()
        if let connection = self.connection {
            connection.outbox.shutDown()
            self.connection = nil
            self.delegate.webSocketDidClose(
                connection,
                code: self.receivedCloseCode ?? WebSocketCloseCode.abnormal,
                reason: self.receivedCloseReason
            )
        }
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.isWritable = context.channel.isWritable
        if self.isWritable {
            if let pong = self.pendingPong, self.closeState == .open {
                self.pendingPong = nil
                self.write(opcode: .pong, data: pong, context: context)
                context.flush()
            }
            self.drainOutbox()
        }
        context.fireChannelWritabilityChanged()
    }

    package func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let error = error as? NIOWebSocketError {
            switch error {
            case .invalidFrameLength:
                self.fail(code: WebSocketCloseCode.messageTooBig, reason: "frame larger than the message limit")
            case .fragmentedControlFrame:
                self.fail(code: WebSocketCloseCode.protocolError, reason: "fragmented control frame")
            case .multiByteControlFrameLength:
                self.fail(code: WebSocketCloseCode.protocolError, reason: "control frame longer than 125 bytes")
            }
        } else {
            // A TCP error (reset, timeout) ends the connection without a close frame: it is the reason the delegate
            // hears with 1006, so a load test can say "close 1006 (no close frame): Connection reset by peer".
            if self.receivedCloseCode == nil && self.receivedCloseReason.isEmpty {
                self.receivedCloseReason = ConnectErrorDescription.describe(error)
            }
            context.close(promise: nil)
        }
    }

    // MARK: Inbound

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        self.frameReceivedSincePing = true
        switch self.closeState {
        case .closed:
            return
        case .closeSent where frame.opcode != .connectionClose:
            return  // RFC 6455 5.5.1: after our close, data is discarded.
        default:
            break
        }
        guard frame.reservedBits.isEmpty else {
            return self.fail(code: WebSocketCloseCode.protocolError, reason: "reserved bits set without an extension")
        }
        switch (self.role, frame.maskKey) {
        case (.server, nil):
            return self.fail(code: WebSocketCloseCode.protocolError, reason: "client frames must be masked")
        case (.client, .some):
            return self.fail(code: WebSocketCloseCode.protocolError, reason: "server frames must not be masked")
        default:
            break
        }

        switch frame.opcode {
        case .text, .binary:
            guard self.fragmentOpcode == nil else {
                return self.fail(code: WebSocketCloseCode.protocolError, reason: "new message inside a fragmented one")
            }
            if frame.fin {
                self.deliver(opcode: frame.opcode, payload: frame.unmaskedData, validator: nil)
            } else {
                let payload = frame.unmaskedData
                if frame.opcode == .text {
                    var validator = UTF8StreamValidator()
                    guard validator.feed(payload) else {
                        return self.fail(
                            code: WebSocketCloseCode.invalidPayload, reason: "text message is not valid UTF-8")
                    }
                    self.fragmentValidator = validator
                }
                self.fragmentOpcode = frame.opcode
                self.fragmentBuffer = payload
            }
        case .continuation:
            guard let opcode = self.fragmentOpcode, var buffer = self.fragmentBuffer else {
                return self.fail(code: WebSocketCloseCode.protocolError, reason: "continuation without a message")
            }
            self.fragmentBuffer = nil  // keep the buffer uniquely referenced while appending
            var piece = frame.unmaskedData
            guard buffer.readableBytes + piece.readableBytes <= self.configuration.maxMessageBytes else {
                return self.fail(code: WebSocketCloseCode.messageTooBig, reason: "message larger than the limit")
            }
            if self.fragmentValidator?.feed(piece) == false {
                return self.fail(code: WebSocketCloseCode.invalidPayload, reason: "text message is not valid UTF-8")
            }
            buffer.writeBuffer(&piece)
            if frame.fin {
                let validator = self.fragmentValidator
                self.fragmentOpcode = nil
                self.fragmentValidator = nil
                self.deliver(opcode: opcode, payload: buffer, validator: validator)
            } else {
                self.fragmentBuffer = buffer
            }
        case .ping:
            guard self.closeState == .open else { return }
            // A peer that pings and never reads must not grow our buffers: while the socket is not writable only
            // the latest pong is kept (RFC 6455 5.5.3 allows answering only the most recent ping).
            guard self.isWritable else {
                self.pendingPong = frame.unmaskedData
                return
            }
            self.write(opcode: .pong, data: frame.unmaskedData, context: context)
            context.flush()
        case .pong:
            break  // any frame counts as a sign of life; frameReceivedSincePing is already set
        case .connectionClose:
            self.receivedClose(frame.unmaskedData, context: context)
        default:
            self.fail(code: WebSocketCloseCode.protocolError, reason: "unknown opcode")
        }
    }

    /// Hands a complete message to the delegate. `validator` has seen every byte of a fragmented text message;
    /// an unfragmented one is validated here, in one pass.
    private func deliver(opcode: WebSocketOpcode, payload: ByteBuffer, validator: UTF8StreamValidator?) {
        guard let connection = self.connection else { return }
        if opcode == .text {
            var isValid: Bool
            if let validator {
                isValid = validator.isCompleteAndValid
            } else {
                var whole = UTF8StreamValidator()
                isValid = whole.feed(payload) && whole.isCompleteAndValid
            }
            guard isValid else {
                return self.fail(code: WebSocketCloseCode.invalidPayload, reason: "text message is not valid UTF-8")
            }
            self.delegate.webSocket(connection, didReceiveTextBytes: payload)
        } else {
            self.delegate.webSocket(connection, didReceiveBinary: payload)
        }
    }

    private func receivedClose(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        var payload = payload
        var echoCode: UInt16?
        switch payload.readableBytes {
        case 0:
            self.receivedCloseCode = WebSocketCloseCode.noStatus
        case 1:
            return self.fail(code: WebSocketCloseCode.protocolError, reason: "close payload of one byte")
        default:
            guard let code = payload.readInteger(as: UInt16.self), WebSocketCloseCode.isValidOnWire(code) else {
                return self.fail(code: WebSocketCloseCode.protocolError, reason: "invalid close code")
            }
            guard let reason = String(validating: payload.readableBytesView, as: UTF8.self) else {
                return self.fail(code: WebSocketCloseCode.invalidPayload, reason: "close reason is not valid UTF-8")
            }
            self.receivedCloseCode = code
            self.receivedCloseReason = reason
            echoCode = code
        }
        if self.closeState == .open {
            // Echo the peer's code (RFC 6455 5.5.1), then drop TCP once it is written.
            self.closeState = .closeSent
            var data = context.channel.allocator.buffer(capacity: 2)
            if let echoCode { data.writeInteger(echoCode) }
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            self.write(opcode: .connectionClose, data: data, context: context)
                .whenComplete { _ in loopBoundContext.value.close(promise: nil) }
            context.flush()
        } else {
            context.close(promise: nil)
        }
    }

    // MARK: Outbound

    /// Writes everything the outbox holds with one flush; called on the event loop.
    func drainOutbox() {
        guard let context = self.context, let connection = self.connection else { return }
        context.eventLoop.assertInEventLoop()
        // Not writable: leave the drain marked as scheduled so that senders do not schedule more; the
        // writability change drains.
        guard self.isWritable else { return }
        let items = connection.outbox.takeAll()
        guard !items.isEmpty else { return }
        for item in items {
            switch item {
            case .text, .binary, .encodedFrame, .observedText, .observedEncodedFrame:
                self.writeMessage(item, context: context)
            case .close(let code, let reason):
                self.sendClose(code: code, reason: reason, context: context)
            }
        }
        context.flush()
    }

    /// Writes a queued text or binary message, unless our close frame has gone out already.
    private func writeMessage(_ item: WebSocketOutboundItem, context: ChannelHandlerContext) {
        guard self.closeState == .open else { return }
        switch item {
        case .text(let buffer): self.write(opcode: .text, data: buffer, context: context, promise: nil)
        case .observedText(let buffer, let observer):
            self.write(opcode: .text, data: buffer, context: context, promise: nil)
            observer.messageWritten()
        case .binary(let buffer): self.write(opcode: .binary, data: buffer, context: context, promise: nil)
        case .encodedFrame(let bytes): context.write(Self.wrapOutboundOut(bytes), promise: nil)
        case .observedEncodedFrame(let bytes, let observer):
            context.write(Self.wrapOutboundOut(bytes), promise: nil)
            observer.messageWritten()
        case .close: break
        }
    }

    private func write(
        opcode: WebSocketOpcode, data: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?
    ) {
        let maskKey: WebSocketMaskingKey? = self.role == .client ? .random() : nil
        let (header, payload) = WebSocketFrameBytes.encode(
            opcode: opcode, payload: data, maskKey: maskKey, allocator: context.channel.allocator)
        if let payload {
            context.write(Self.wrapOutboundOut(header), promise: nil)
            context.write(Self.wrapOutboundOut(payload), promise: promise)
        } else {
            context.write(Self.wrapOutboundOut(header), promise: promise)
        }
    }

    /// Writes a frame and returns a future for its completion (close paths only: messages take no promise).
    @discardableResult
    private func write(opcode: WebSocketOpcode, data: ByteBuffer, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        let promise = context.eventLoop.makePromise(of: Void.self)
        self.write(opcode: opcode, data: data, context: context, promise: promise)
        return promise.futureResult
    }

    /// Sends our close frame and waits (bounded) for the peer's.
    private func sendClose(code: UInt16, reason: String, context: ChannelHandlerContext) {
        guard self.closeState == .open else { return }
        self.closeState = .closeSent
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.writeInteger(code)
        data.writeString(Self.closeReason(reason))
        self.write(opcode: .connectionClose, data: data, context: context)
        self.closeTimer = LoopTimer.schedule(on: context.eventLoop, in: self.configuration.closeTimeout) {
            context.close(promise: nil)
        }
    }

    /// A close reason cut to the 123 bytes a control frame leaves for it, on a character boundary.
    static func closeReason(_ reason: String) -> String {
        guard reason.utf8.count > 123 else { return reason }
        var cut = Substring(reason)
        while cut.utf8.count > 123 { cut = cut.dropLast() }
        return String(cut)
    }

    /// Fails the connection (RFC 6455 7.1.7): a close frame with `code`, then TCP is dropped.
    private func fail(code: UInt16, reason: String) {
        guard let context = self.context else { return }
        self.fragmentOpcode = nil
        self.fragmentBuffer = nil
        self.fragmentValidator = nil
        self.receivedCloseCode = self.receivedCloseCode ?? code
        self.receivedCloseReason = reason
        guard self.closeState == .open else {
            context.close(promise: nil)
            return
        }
        // Messages the delegate queued before the faulty frame arrived (replies to earlier, valid messages)
        // go out first: the peer gets every answer it was owed, then the close. A queued close is superseded.
        if let connection = self.connection {
            for item in connection.outbox.takeAll() { self.writeMessage(item, context: context) }
        }
        self.closeState = .closeSent
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.writeInteger(code)
        data.writeString(Self.closeReason(reason))
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.write(opcode: .connectionClose, data: data, context: context)
            .whenComplete { _ in loopBoundContext.value.close(promise: nil) }
        context.flush()
    }

    // MARK: Keepalive

    private func startKeepalive(context: ChannelHandlerContext) {
        self.schedulePing(on: context.eventLoop)
    }

    /// The next keepalive ping, `pingInterval` from now (one timer at a time, each scheduling the next).
    private func schedulePing(on eventLoop: EventLoop) {
        guard let interval = self.configuration.pingInterval else { return }
        // The timers hold the handler only while armed: stopTimers disarms them when the connection ends.
        self.pingTimer = LoopTimer.schedule(on: eventLoop, in: interval) { self.sendKeepalivePing() }
    }

    private func sendKeepalivePing() {
        guard let context = self.context, self.closeState == .open else { return }
        self.schedulePing(on: context.eventLoop)
        self.frameReceivedSincePing = false
        self.write(opcode: .ping, data: ByteBuffer(), context: context)
        context.flush()
        self.deadPeerCheck?.disarm()
        self.deadPeerCheck = LoopTimer.schedule(on: context.eventLoop, in: self.configuration.deadPeerTimeout) {
            if !self.frameReceivedSincePing {
                self.receivedCloseReason = "peer did not answer a ping in time"
                self.connection?.recordCloseCause(.deadPeer)
                self.context?.close(promise: nil)
            }
        }
    }

    private func stopTimers() {
        self.pingTimer?.disarm()
        self.pingTimer = nil
        self.deadPeerCheck?.disarm()
        self.deadPeerCheck = nil
        self.closeTimer?.disarm()
        self.closeTimer = nil
    }
}

/// A reference to a loop-bound object for a closure that only that loop calls. The caller guarantees it
/// (here: ``LoopDrainScheduler`` runs drains on the connection's own loop); debug builds assert it.
private struct LoopOnlyReference<Value: AnyObject>: @unchecked Sendable {
    package let value: Value

    init(_ value: Value) { self.value = value }
}
