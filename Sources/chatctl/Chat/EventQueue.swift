import ChatKit

/// A client's incoming events, read with a deadline. One task pumps the connection's event stream into
/// the queue; readers wait on it without ever cancelling the stream itself.
actor EventQueue {
    private var buffered: [WebSocketEvent] = []
    private var waiter: (generation: Int, continuation: CheckedContinuation<WebSocketEvent?, Never>)?
    private var generation = 0
    private var finished = false

    /// Starts pumping `client`'s events into a new queue.
    static func pumping(_ client: WebSocketClient) -> EventQueue {
        let queue = EventQueue()
        Task {
            for await event in client.events { await queue.push(event) }
            await queue.finish()
        }
        return queue
    }

    private func push(_ event: WebSocketEvent) {
        if let waiter = self.waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: event)
        } else {
            self.buffered.append(event)
        }
    }

    private func finish() {
        self.finished = true
        self.waiter?.continuation.resume(returning: nil)
        self.waiter = nil
    }

    /// The next event; `nil` when the stream ended or `timeout` passed first.
    func next(timeout: Duration? = nil) async -> WebSocketEvent? {
        if !self.buffered.isEmpty { return self.buffered.removeFirst() }
        if self.finished { return nil }
        self.generation += 1
        let generation = self.generation
        return await withCheckedContinuation { continuation in
            self.waiter = (generation, continuation)
            if let timeout {
                Task {
                    try? await Task.sleep(for: timeout)
                    self.expire(generation)
                }
            }
        }
    }

    private func expire(_ generation: Int) {
        guard let waiter = self.waiter, waiter.generation == generation else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: nil)
    }
}
