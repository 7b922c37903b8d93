import Dispatch
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Gives memory freed by closed connections back to the system once the server is quiet again.
///
/// glibc's allocator keeps freed memory in its arenas (one per thread that allocated) for reuse, so after a
/// burst of connections, or a peer whose queue filled its byte budget, the server's RSS stays at its peak with
/// nothing left using it. Every `interval`, if connections closed since the last look and fewer than
/// ``quietMessages`` messages arrived meanwhile, this calls `malloc_trim(0)` (which releases the free pages of
/// every arena) on a background queue, never on an event loop. On other platforms it does nothing.
final class MemoryTrimmer: Sendable {
    /// Above this many received messages in one interval the server is busy: freed memory is about to be reused.
    static let quietMessages = 1000

    private let stats: ServerStats
    private let task: NIOLockedValueBox<RepeatedTask?> = NIOLockedValueBox(nil)
    /// Connections closed so far and messages received so far, at the last look.
    private let last: NIOLockedValueBox<(closed: Int, messagesIn: Int)> = NIOLockedValueBox((0, 0))
    /// How many times the trimmer looked, and how many times it trimmed (for tests).
    let looks = NIOLockedValueBox(0)
    let trims = NIOLockedValueBox(0)

    init(stats: ServerStats) {
        self.stats = stats
    }

    /// Looks every `interval` on `eventLoop` until ``stop()``.
    func start(on eventLoop: EventLoop, interval: TimeAmount) {
        let task = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            self.look()
        }
        self.task.withLockedValue { $0 = task }
    }

    func stop() {
        self.task.withLockedValue {
            $0?.cancel()
            $0 = nil
        }
    }

    /// One look: trims if connections closed since the last one and the server was quiet meanwhile.
    func look() {
        defer { self.looks.withLockedValue { $0 += 1 } }
        let snapshot = self.stats.snapshot
        let closed = snapshot.connectionsTotal - snapshot.connectionsCurrent
        let shouldTrim: Bool = self.last.withLockedValue { last in
            defer { last = (closed, snapshot.messagesIn) }
            return closed > last.closed && snapshot.messagesIn - last.messagesIn < Self.quietMessages
        }
        guard shouldTrim else { return }
        guard let trim = Self.mallocTrim else { return }
        // Counted before it runs, so a look that follows sees it.
        self.trims.withLockedValue { $0 += 1 }
        DispatchQueue.global(qos: .utility).async { _ = trim(0) }
    }

    /// glibc's `malloc_trim`, looked up at run time (Swift's Glibc module does not import `malloc.h`); `nil` on a
    /// C library without it.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()
}
