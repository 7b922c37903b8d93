import ChatKit
import Foundation
import NIOCore
import XCTest

/// Collects a client's events so tests can wait for the next one with a deadline.
package actor EventInbox {
    private var events: [WebSocketEvent] = []
    private var cursor = 0

    package func append(_ event: WebSocketEvent) { self.events.append(event) }

    /// The next event not yet taken, or `nil` when none arrived by `deadline`.
    package func take(by deadline: ContinuousClock.Instant) async -> WebSocketEvent? {
        while self.cursor >= self.events.count {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
        defer { self.cursor += 1 }
        return self.events[self.cursor]
    }

    /// Events arrived and not yet taken.
    package var pending: Int { self.events.count - self.cursor }
}

package struct TestTimeout: Error, CustomStringConvertible {
    package var what: String
    package init(what: String) { self.what = what }
    package var description: String { "timed out waiting for \(self.what)" }
}

/// A real ChatKit client connection with helpers to read the chat protocol.
package final class ChatTestClient: Sendable {
    package let name: String
    package let client: WebSocketClient
    package let inbox = EventInbox()
    private let pump: Task<Void, Never>

    package init(name: String, client: WebSocketClient) {
        self.name = name
        self.client = client
        let inbox = self.inbox
        self.pump = Task {
            for await event in client.events { await inbox.append(event) }
        }
    }

    deinit { self.pump.cancel() }

    /// Connects as `name` and consumes the `welcome` (and the `joined`/`history` of `room`).
    package static func connect(
        _ server: ChatServer, name: String, room: String? = nil,
        configuration: ClientConfiguration = ClientConfiguration()
    ) async throws -> ChatTestClient {
        var url = "\(server.url)?name=\(name)"
        if let room { url += "&room=\(room)" }
        let client = ChatTestClient(
            name: name, client: try await WebSocketClient.connect(to: url, configuration: configuration))
        guard case .welcome(name) = try await client.next() else {
            throw TestTimeout(what: "welcome for \(name)")
        }
        if let room {
            guard case .joined(room, name, _, _, _, _, _) = try await client.next(),
                case .history(room, _, _) = try await client.next()
            else { throw TestTimeout(what: "joined+history of \(room)") }
        }
        return client
    }

    package func send(_ frame: ClientFrame) throws { try self.client.send(text: frame.encoded()) }
    package func send(raw text: String) throws { try self.client.send(text: text) }

    /// Joins a room and returns the `joined` seq and the history.
    @discardableResult
    package func join(_ room: String) async throws -> (seq: Int, history: [ChatMessage]) {
        try self.send(.join(room: room, id: "join-\(room)"))
        let joined = try await self.next()
        guard case .joined(room, self.name, let seq, "join-\(room)", _, _, _) = joined else {
            XCTFail("expected joined for \(room), got \(joined)")
            throw TestTimeout(what: "joined")
        }
        guard case .history(room, let messages, _) = try await self.next() else { throw TestTimeout(what: "history") }
        return (seq, messages)
    }

    /// The next event of any kind.
    package func nextEvent(timeout: Duration = .seconds(10)) async throws -> WebSocketEvent {
        guard let event = await self.inbox.take(by: .now + timeout) else {
            throw TestTimeout(what: "an event on \(self.name)")
        }
        return event
    }

    /// The next chat frame; fails the test if the connection closed or sent something else.
    package func next(timeout: Duration = .seconds(10)) async throws -> ServerFrame {
        let event = try await self.nextEvent(timeout: timeout)
        guard case .text(let text) = event else {
            XCTFail("\(self.name): expected a text frame, got \(event)")
            throw TestTimeout(what: "a text frame")
        }
        return try ServerFrame.decode(text)
    }

    /// Asserts that the next frame is `expected`.
    package func expect(_ expected: ServerFrame, file: StaticString = #filePath, line: UInt = #line) async throws {
        let frame = try await self.next()
        XCTAssertEqual(frame, expected, "\(self.name)", file: file, line: line)
    }

    /// Skips frames until one matches; returns what `match` extracted.
    package func next<T>(timeout: Duration = .seconds(10), where match: (ServerFrame) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let frame = try await self.next(timeout: deadline - .now)
            if let value = match(frame) { return value }
        }
    }

    /// Waits for the connection to close and returns its code and reason, skipping any frames before it.
    package func closed(timeout: Duration = .seconds(10)) async throws -> (code: UInt16, reason: String) {
        let deadline = ContinuousClock.now + timeout
        while true {
            if case .closed(let code, let reason) = try await self.nextEvent(timeout: deadline - .now) {
                return (code, reason)
            }
        }
    }

    /// Asserts that no event arrives within `window` (used only to check that nothing leaks to a bystander,
    /// after a later frame that proves ordering has been seen).
    package func pendingCount() async -> Int { await self.inbox.pending }

    package func close() async { await self.client.close() }
}

/// Starts a server on a free loopback port for the duration of `body`.
package func withServer<T>(
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (ChatServer) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration(port: 0, threads: 2)
    configure(&configuration)
    let server = try await ChatServer.start(configuration: configuration)
    do {
        let result = try await body(server)
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}

/// Polls `condition` until it holds or `timeout` passes.
package func eventually(
    _ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw TestTimeout(what: what)
}
