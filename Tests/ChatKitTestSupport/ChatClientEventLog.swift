import ChatKit

/// Everything a ``ChatClient`` delivered, read continuously, so tests can wait for an event and look at the
/// whole sequence afterwards.
package actor ChatClientEventLog {
    package private(set) var events: [ChatClientEvent] = []

    /// Starts reading `client`'s events.
    package init(_ client: ChatClient) {
        Task { await self.read(client.events) }
    }

    private func read(_ stream: AsyncStream<ChatClientEvent>) async {
        for await event in stream { self.events.append(event) }
    }

    /// The room messages delivered so far, in order.
    package var messages: [ChatMessage] {
        self.events.compactMap { event in
            if case .frame(.message(let message)) = event { return message }
            return nil
        }
    }

    /// Whether an event matching `predicate` has arrived.
    package func contains(where predicate: @Sendable (ChatClientEvent) -> Bool) -> Bool {
        self.events.contains(where: predicate)
    }

    /// Whether the client has ended (its `.closed` arrived).
    package var isClosed: Bool {
        self.events.contains { if case .closed = $0 { return true } else { return false } }
    }
}

extension ChatClientEventLog {
    /// Waits until an event matching `predicate` has arrived.
    package nonisolated func waitFor(
        _ what: String, timeout: Duration = .seconds(10), _ predicate: @escaping @Sendable (ChatClientEvent) -> Bool
    ) async throws {
        try await eventually(what, timeout: timeout) { await self.contains(where: predicate) }
    }

    /// Waits until `count` room messages have been delivered.
    package nonisolated func waitForMessages(_ count: Int, timeout: Duration = .seconds(10)) async throws {
        try await eventually("\(count) messages", timeout: timeout) { await self.messages.count >= count }
    }
}
