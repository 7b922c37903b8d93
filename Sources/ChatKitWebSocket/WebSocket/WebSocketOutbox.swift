import NIOConcurrencyHelpers
import NIOCore

/// One thing waiting to be written to a WebSocket connection.
package enum WebSocketOutboundItem: Sendable {
    case text(ByteBuffer)
    /// A whole text frame already encoded (``WebSocketFrameBytes/serverText(_:allocator:)``).
    case encodedFrame(ByteBuffer)
    /// A text message whose observer is told when the drain writes it (sampled delivery timing).
    case observedText(ByteBuffer, any WebSocketWriteObserver)
    /// A whole text frame encoded once, whose observer is told when the drain writes it (sampled delivery
    /// timing).
    case observedEncodedFrame(ByteBuffer, any WebSocketWriteObserver)
    case binary(ByteBuffer)
    case close(code: UInt16, reason: String)
}

extension WebSocketOutboundItem {
    /// The bytes the item holds, counted against the connection's byte budget.
    var payloadBytes: Int {
        switch self {
        case .text(let buffer), .encodedFrame(let buffer), .binary(let buffer): return buffer.readableBytes
        case .observedText(let buffer, _), .observedEncodedFrame(let buffer, _): return buffer.readableBytes
        case .close(_, let reason): return reason.utf8.count
        }
    }
}

/// What happened to an item handed to ``WebSocketOutbox/enqueue(_:)``.
enum WebSocketEnqueueResult: Sendable, Equatable {
    case queued
    /// The queue was full: the receiver is a slow consumer.
    case overflow
    /// The connection is closing or closed: the item was dropped.
    case closed
}

/// The bounded queue between any thread that sends and the connection's event loop that writes.
///
/// Senders append under a lock (the hub does so while it holds its own lock, so every member's queue sees
/// room messages in `seq` order). The first append after a drain schedules one drain on the event loop;
/// everything that arrived by then goes out with a single flush, so frames per `write()` grow with load.
final class WebSocketOutbox: @unchecked Sendable {
    private let lock = NIOLock()
    private var pending: [WebSocketOutboundItem] = []
    private var drainScheduled = false
    private var isClosed = false
    /// Payload bytes of the pending items.
    private var pendingBytes = 0
    private let limit: Int
    private let byteLimit: Int
    private let scheduler: LoopDrainScheduler
    private let drain: @Sendable () -> Void

    init(limit: Int, byteLimit: Int = .max, eventLoop: EventLoop, drain: @escaping @Sendable () -> Void) {
        self.limit = max(1, limit)
        self.byteLimit = max(1, byteLimit)
        self.scheduler = LoopDrainScheduler.of(eventLoop)
        self.drain = drain
    }

    /// Runs the drain (on the event loop, from the loop's drain pass).
    func runDrain() { self.drain() }

    /// Appends an item; never blocks and never waits for the socket.
    func enqueue(_ item: WebSocketOutboundItem) -> WebSocketEnqueueResult {
        let bytes = item.payloadBytes
        let (result, schedule): (WebSocketEnqueueResult, Bool) = self.lock.withLock {
            if self.isClosed { return (.closed, false) }
            if case .close = item {
                // A close always fits: it is how an overflowing connection is ended.
                self.isClosed = true
            } else if self.pending.count >= self.limit
                || (!self.pending.isEmpty && self.pendingBytes + bytes > self.byteLimit)
            {
                return (.overflow, false)
            }
            self.pending.append(item)
            self.pendingBytes += bytes
            if self.drainScheduled { return (.queued, false) }
            self.drainScheduled = true
            return (.queued, true)
        }
        if schedule {
            self.scheduler.schedule(self)
        }
        return result
    }

    /// Takes everything queued so far; called on the event loop by the drain.
    func takeAll() -> [WebSocketOutboundItem] {
        self.lock.withLock {
            self.drainScheduled = false
            self.pendingBytes = 0
            let items = self.pending
            self.pending.removeAll(keepingCapacity: self.pending.count <= 64)
            return items
        }
    }

    /// Refuses every later item; returns nothing that was pending (the connection is gone).
    func shutDown() {
        self.lock.withLock {
            self.isClosed = true
            self.pending.removeAll()
            self.pendingBytes = 0
        }
    }

    /// Items waiting to be written.
    var count: Int { self.lock.withLock { self.pending.count } }

    /// Payload bytes waiting to be written.
    var bytes: Int { self.lock.withLock { self.pendingBytes } }
}
