import NIOConcurrencyHelpers
import NIOCore

/// Receives what one WebSocket connection delivers. Every method is called on the connection's event loop.
public protocol WebSocketDelegate: AnyObject {
    /// The connection is open and may send.
    func webSocketDidOpen(_ connection: WebSocketConnection)
    /// A complete text message (fragments reassembled, UTF-8 validated).
    func webSocket(_ connection: WebSocketConnection, didReceiveText text: String)
    /// A complete text message as its UTF-8 bytes (already validated). The default makes a `String` and calls
    /// `webSocket(_:didReceiveText:)`; load generators implement it to read frames without making strings.
    func webSocket(_ connection: WebSocketConnection, didReceiveTextBytes bytes: ByteBuffer)
    /// A complete binary message (fragments reassembled).
    func webSocket(_ connection: WebSocketConnection, didReceiveBinary data: ByteBuffer)
    /// The connection is closed. `code` is the peer's close code, or 1006 when TCP dropped without one.
    func webSocketDidClose(_ connection: WebSocketConnection, code: UInt16, reason: String)
}

extension WebSocketDelegate {
    public func webSocket(_ connection: WebSocketConnection, didReceiveTextBytes bytes: ByteBuffer) {
        self.webSocket(connection, didReceiveText: String(decoding: bytes.readableBytesView, as: UTF8.self))
    }
}

/// A thread-safe handle on an open WebSocket connection: send from any thread, close, inspect.
///
/// Sends never block and never wait for the peer: they go into the connection's bounded queue, and the
/// connection's event loop writes whatever has queued up with a single flush.
public final class WebSocketConnection: Sendable {
    /// The channel that carries the connection.
    public let channel: Channel
    /// The peer's address, when the socket knows it.
    public let remoteAddress: SocketAddress?
    let outbox: WebSocketOutbox
    private let closeTimeout: TimeAmount
    /// Why this side closed the connection, when it did so on purpose; the first recorded cause wins.
    private let recordedCloseCause = NIOLockedValueBox<WebSocketCloseCause?>(nil)

    init(channel: Channel, outbox: WebSocketOutbox, closeTimeout: TimeAmount) {
        self.channel = channel
        self.remoteAddress = channel.remoteAddress
        self.outbox = outbox
        self.closeTimeout = closeTimeout
    }

    /// Queues a text message whose UTF-8 bytes are already in `buffer` (the buffer may be shared by many
    /// connections: it is not copied). Returns `.overflow` when the queue is full.
    @discardableResult
    public func send(textBuffer buffer: ByteBuffer) -> WebSocketSendResult {
        WebSocketSendResult(self.outbox.enqueue(.text(buffer)))
    }

    /// Queues a complete, unmasked text frame encoded once for many connections (server side only).
    @discardableResult
    package func send(encodedTextFrame frame: ByteBuffer) -> WebSocketSendResult {
        WebSocketSendResult(self.outbox.enqueue(.encodedFrame(frame)))
    }

    /// Queues a complete, unmasked text frame encoded once for many, and tells `observer` when it is written.
    @discardableResult
    package func send(encodedTextFrame frame: ByteBuffer, observer: any WebSocketWriteObserver) -> WebSocketSendResult {
        WebSocketSendResult(self.outbox.enqueue(.observedEncodedFrame(frame, observer)))
    }

    /// Queues a text message like ``send(textBuffer:)`` and tells `observer` when the drain has written it.
    package func send(textBuffer buffer: ByteBuffer, observer: any WebSocketWriteObserver) -> WebSocketSendResult {
        WebSocketSendResult(self.outbox.enqueue(.observedText(buffer, observer)))
    }

    /// Queues a text message.
    @discardableResult
    public func send(text: String) -> WebSocketSendResult {
        self.send(textBuffer: ByteBuffer(string: text))
    }

    /// Queues a binary message.
    @discardableResult
    public func send(binary buffer: ByteBuffer) -> WebSocketSendResult {
        WebSocketSendResult(self.outbox.enqueue(.binary(buffer)))
    }

    /// Starts the close handshake after everything already queued has been written. The TCP connection is
    /// dropped if the peer has not answered within the configured close timeout, and in any case after
    /// twice that time (a peer that never reads never lets the close frame out). `cause`, when given, is
    /// recorded as ``closeCause`` unless an earlier close recorded one (it is recorded before the close is
    /// queued, so it is in place when the connection ends). Returns `false` when the connection was already
    /// closing.
    @discardableResult
    public func close(
        code: UInt16 = WebSocketCloseCode.normal, reason: String = "", cause: WebSocketCloseCause? = nil
    ) -> Bool {
        if let cause { self.recordCloseCause(cause) }
        guard self.outbox.enqueue(.close(code: code, reason: reason)) == .queued else { return false }
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: self.closeTimeout * 2) {
            channel.close(promise: nil)
        }
        return true
    }

    /// Why this side closed the connection on purpose (slow consumer, kick, shutdown, dead peer…); `nil` when
    /// it did not, and the close code tells the story (``WebSocketCloseCause/init(closeCode:)``).
    public var closeCause: WebSocketCloseCause? { self.recordedCloseCause.withLockedValue { $0 } }

    /// Records why this side is ending the connection, unless a cause was recorded already.
    func recordCloseCause(_ cause: WebSocketCloseCause) {
        self.recordedCloseCause.withLockedValue { recorded in
            if recorded == nil { recorded = cause }
        }
    }

    /// Messages queued and not yet handed to the socket.
    public var queuedMessages: Int { self.outbox.count }

    /// Payload bytes waiting in the send queue (bounded by ``WebSocketConfiguration/sendQueueBytes``).
    public var queuedBytes: Int { self.outbox.bytes }

    /// Every byte this side holds for the peer: the send queue's payloads, plus what was written to the channel
    /// and not yet taken by the kernel (frames, pongs and close frames included). Asks the event loop.
    public func outboundBytes() async -> Int {
        let buffered = (try? await self.channel.getOption(ChannelOptions.bufferedWritableBytes).get()) ?? 0
        return self.outbox.bytes + buffered
    }

    /// Completes when the TCP connection is closed.
    public var closeFuture: EventLoopFuture<Void> { self.channel.closeFuture }
}

/// What became of a message handed to a ``WebSocketConnection``.
public enum WebSocketSendResult: Sendable, Equatable {
    /// Queued for writing.
    case queued
    /// The send queue was full (the peer is not reading fast enough); the message was dropped.
    case queueFull
    /// The connection is closing or closed; the message was dropped.
    case closed

    init(_ result: WebSocketEnqueueResult) {
        switch result {
        case .queued: self = .queued
        case .overflow: self = .queueFull
        case .closed: self = .closed
        }
    }
}
