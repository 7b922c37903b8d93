import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import ChatKitTestSupport
import Foundation
import XCTest

/// `ChatClient`: a member whose connection is lost reconnects with backoff, joins its rooms again with `since`,
/// and gets exactly what it missed, once, or is told exactly which seqs are lost.
final class ChatClientTests: XCTestCase {
    /// How long a dropped client waits before reconnecting in the tests that say messages while it is away: 1 s
    /// (3 s under a sanitizer, where everything is several times slower).
    private static let awayDelay: Duration =
        ProcessInfo.processInfo.environment["CHATKIT_SANITIZER"] == nil ? .seconds(1) : .seconds(3)

    /// Reconnects after `initialDelay`: long enough for the test to say its messages while the client is away.
    private func configuration(
        initialDelay: Duration = ChatClientTests.awayDelay, maxAttempts: Int? = 5, reconnectCodes: Set<UInt16>? = nil
    ) -> ChatClientConfiguration {
        ChatClientConfiguration(
            reconnect: ReconnectPolicy(initialDelay: initialDelay, factor: 2, maxDelay: .seconds(4), maxAttempts: maxAttempts),
            reconnectCodes: reconnectCodes ?? ChatClientConfiguration.defaultReconnectCodes)
    }

    private static func isJoined(_ room: String) -> @Sendable (ChatClientEvent) -> Bool {
        { if case .frame(.joined(room, _, _, _, _, _, _)) = $0 { return true } else { return false } }
    }

    /// Drops `name`'s TCP connection from the server side, as a network failure would.
    private func drop(_ name: String, on server: ChatServer) throws {
        let connection = try XCTUnwrap(server.hub.connection(of: name))
        connection.channel.close(promise: nil)
    }

    private func say(_ count: Int, in room: String, from sender: ChatTestClient, tag: String) async throws
        -> [ChatMessage]
    {
        for index in 1...count { try sender.send(.say(room: room, content: "\(tag) \(index)", id: nil)) }
        return try await sender.messages(count, in: room)
    }

    func testADroppedMemberReconnectsAndGetsExactlyTheMissedMessagesInOrderOnce() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let bob = try await ChatClient.connect(to: server.url, name: "bob", configuration: self.configuration())
            let log = ChatClientEventLog(bob)
            try bob.join("lobby")
            try await log.waitFor("bob's joined", Self.isJoined("lobby"))
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))
            let before = try await self.say(2, in: "lobby", from: alice, tag: "before")
            try await log.waitForMessages(2)

            try self.drop("bob", on: server)
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))
            let missed = try await self.say(3, in: "lobby", from: alice, tag: "away")
            try await log.waitFor("bob's recovery") { $0 == .recovered(room: "lobby", messages: 3) }
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))
            let after = try await self.say(1, in: "lobby", from: alice, tag: "after")
            try await log.waitForMessages(6)

            let messages = await log.messages
            XCTAssertEqual(messages, before + missed + after)  // original seq and ts, in order, once each
            XCTAssertEqual(messages.map(\.seq), Array(1...6))
            let events = await log.events
            XCTAssertTrue(events.contains(.reconnecting(attempt: 1, delay: Self.awayDelay)), "\(events)")
            XCTAssertEqual(events.filter { $0 == .reconnected }.count, 1)
            XCTAssertFalse(events.contains { if case .gap = $0 { return true } else { return false } })
            // Only the first welcome and the first join's joined/history are passed on.
            XCTAssertEqual(events.filter { if case .frame(.welcome) = $0 { return true } else { return false } }.count, 1)
            XCTAssertEqual(events.filter(Self.isJoined("lobby")).count, 1)
            await bob.close()
        }
    }

    func testMoreMissedThanHistoryHoldsReportsTheGapWithTheExactSeqs() async throws {
        try await withServer({ $0.historySize = 3 }) { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "news")
            let bob = try await ChatClient.connect(to: server.url, name: "bob", configuration: self.configuration())
            let log = ChatClientEventLog(bob)
            try bob.join("news")
            try await log.waitFor("bob's joined", Self.isJoined("news"))
            try await alice.expect(.presence(room: "news", name: "bob", event: .join))
            let seen = try await self.say(1, in: "news", from: alice, tag: "seen")
            try await log.waitForMessages(1)

            try self.drop("bob", on: server)
            try await alice.expect(.presence(room: "news", name: "bob", event: .leave))
            let missed = try await self.say(5, in: "news", from: alice, tag: "away")  // seq 2...6; history keeps 4...6
            try await log.waitForMessages(4)

            let events = await log.events
            let gapAt = try XCTUnwrap(events.firstIndex(of: .gap(room: "news", from: 2, to: 3)), "\(events)")
            let messages = await log.messages
            XCTAssertEqual(messages, seen + missed.suffix(3))
            XCTAssertEqual(messages.map(\.seq), [1, 4, 5, 6])
            // The gap comes before the messages that follow it, and nothing claims it recovered.
            XCTAssertLessThan(gapAt, try XCTUnwrap(events.firstIndex(of: .frame(.message(missed[2])))))
            XCTAssertFalse(events.contains { if case .recovered = $0 { return true } else { return false } })
            await bob.close()
        }
    }

    func testReconnectingGivesUpAfterMaxAttemptsWhenTheServerIsGone() async throws {
        let server = try await ChatServer.start(configuration: ServerConfiguration(port: 0, threads: 2))
        let bob = try await ChatClient.connect(
            to: server.url, name: "bob",
            configuration: self.configuration(initialDelay: .milliseconds(20), maxAttempts: 3))
        let log = ChatClientEventLog(bob)
        try bob.join("lobby")
        try await log.waitFor("bob's joined", Self.isJoined("lobby"))
        try await server.shutdown()

        try await eventually("bob to give up") { await log.isClosed }
        let events = await log.events
        let tail = Array(events.drop { if case .reconnecting = $0 { return false } else { return true } })
        XCTAssertEqual(tail.count, 5, "\(tail)")
        guard tail.count == 5 else { return }
        XCTAssertEqual(
            Array(tail.prefix(3)),
            [
                .reconnecting(attempt: 1, delay: .milliseconds(20)), .reconnecting(attempt: 2, delay: .milliseconds(40)),
                .reconnecting(attempt: 3, delay: .milliseconds(80)),
            ])
        guard case .gaveUp(3, let lastError) = tail[3] else { return XCTFail("expected gaveUp, got \(tail[3])") }
        XCTAssertTrue(lastError.contains("cannot connect"), lastError)
        XCTAssertEqual(tail[4], .closed(code: 1001, reason: "server shutting down"))
        XCTAssertThrowsError(try bob.say("anyone?", in: "lobby"))
    }

    func testAClientInitiatedCloseDoesNotReconnect() async throws {
        try await withServer { server in
            // Even with 1000 among the reconnect codes: a close the caller asked for is final.
            let bob = try await ChatClient.connect(
                to: server.url, name: "bob",
                configuration: self.configuration(
                    initialDelay: .milliseconds(10), reconnectCodes: ChatClientConfiguration.defaultReconnectCodes.union([1000])))
            let log = ChatClientEventLog(bob)
            try bob.join("lobby")
            try await log.waitFor("bob's joined", Self.isJoined("lobby"))
            await bob.close()
            try await eventually("bob to be closed") { await log.isClosed }
            try await eventually("the server to forget bob") { !server.hub.isNameTaken("bob") }
            let events = await log.events
            XCTAssertEqual(events.last, .closed(code: 1000, reason: ""))
            XCTAssertFalse(events.contains { if case .reconnecting = $0 { return true } else { return false } })
            XCTAssertThrowsError(try bob.join("other"))
        }
    }

    func testAKickedMemberIsNotReconnected() async throws {
        try await withServer { server in
            let bob = try await ChatClient.connect(
                to: server.url, name: "bob", configuration: self.configuration(initialDelay: .milliseconds(10)))
            let log = ChatClientEventLog(bob)
            try bob.join("lobby")
            try await log.waitFor("bob's joined", Self.isJoined("lobby"))
            XCTAssertTrue(server.hub.kick("bob", reason: "bye"))
            try await eventually("bob to be closed") { await log.isClosed }
            let events = await log.events
            XCTAssertEqual(events.last, .closed(code: 1008, reason: "bye"))
            XCTAssertFalse(events.contains { if case .reconnecting = $0 { return true } else { return false } })
        }
    }

    func testARoomRecreatedWhileAwayIsReportedAndItsNewMessagesDelivered() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "tmp")
            let bob = try await ChatClient.connect(to: server.url, name: "bob", configuration: self.configuration())
            let log = ChatClientEventLog(bob)
            try bob.join("tmp")
            try await log.waitFor("bob's joined", Self.isJoined("tmp"))
            try await alice.expect(.presence(room: "tmp", name: "bob", event: .join))
            let old = try await self.say(2, in: "tmp", from: alice, tag: "old")
            try await log.waitForMessages(2)

            // Bob drops; alice leaves, so the room is deleted, and joins again: a new room, seqs from 1 again.
            try self.drop("bob", on: server)
            try await alice.expect(.presence(room: "tmp", name: "bob", event: .leave))
            try alice.send(.leave(room: "tmp", id: "l1"))
            try await alice.expect(.left(room: "tmp", seq: 2, id: "l1"))
            let fresh = try await alice.join("tmp", since: 0)
            let epoch = try XCTUnwrap(fresh.epoch)
            let new = try await self.say(3, in: "tmp", from: alice, tag: "new")
            try await log.waitForMessages(5)

            let events = await log.events
            let resetAt = try XCTUnwrap(events.firstIndex(of: .roomReset(room: "tmp", epoch: epoch)), "\(events)")
            XCTAssertLessThan(resetAt, try XCTUnwrap(events.firstIndex(of: .frame(.message(new[0])))))
            let messages = await log.messages
            XCTAssertEqual(messages, old + new)
            XCTAssertFalse(events.contains { if case .gap = $0 { return true } else { return false } })
            await bob.close()
        }
    }

    func testACallerThatStopsReadingGetsTheClientClosedNotEventsDropped() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            var configuration = self.configuration(initialDelay: .milliseconds(10))
            configuration.eventBufferSize = 5
            let bob = try await ChatClient.connect(to: server.url, name: "bob", configuration: configuration)
            try bob.join("lobby")
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))
            _ = try await self.say(10, in: "lobby", from: alice, tag: "unread")
            try await eventually("the server to see bob go") { !server.hub.isNameTaken("bob") }

            var events: [ChatClientEvent] = []
            for await event in bob.events { events.append(event) }  // ends: the stream is finished
            XCTAssertEqual(events.count, 6, "\(events)")
            XCTAssertEqual(events.last, .closed(code: 1000, reason: ChatClient.eventBufferFullReason))
            let seqs = events.compactMap { event -> Int? in
                if case .frame(.message(let message)) = event { return message.seq } else { return nil }
            }
            XCTAssertEqual(seqs, [1, 2])  // welcome, joined, history, then the first two: none skipped
            XCTAssertThrowsError(try bob.say("still there?", in: "lobby"))
        }
    }
}
