import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// `join` with `since` (and `epoch`): a member that comes back gets exactly the messages it missed, or is told
/// exactly what it cannot get back.
final class RecoveryTests: XCTestCase {
    /// Says `count` messages in `room` as `sender` and returns them as `sender` received them.
    private func say(_ count: Int, in room: String, from sender: ChatTestClient, tag: String) async throws
        -> [ChatMessage]
    {
        for index in 1...count {
            try sender.send(.say(room: room, content: "\(tag) \(index)", id: nil))
        }
        return try await sender.messages(count, in: room)
    }

    func testRejoinAfterDisconnectOrLeaveRecoversExactlyTheMissedMessages() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            var bob = try await ChatTestClient.connect(server, name: "bob")
            let first = try await bob.join("lobby", since: 0)
            XCTAssertEqual(first.recovered, true)
            XCTAssertNil(first.firstSeq)
            XCTAssertEqual(first.messages, [])
            let epoch = try XCTUnwrap(first.epoch)
            _ = try await self.say(2, in: "lobby", from: alice, tag: "before")
            let seen = try await bob.messages(2, in: "lobby")
            XCTAssertEqual(seen.map(\.seq), [1, 2])

            // Bob disconnects; alice says three more; bob comes back with since = the last seq he saw.
            await bob.close()
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))
            let missed = try await self.say(3, in: "lobby", from: alice, tag: "while away")
            bob = try await ChatTestClient.connect(server, name: "bob")
            let back = try await bob.join("lobby", since: 2, epoch: epoch)
            XCTAssertEqual(back.recovered, true)
            XCTAssertNil(back.firstSeq)
            XCTAssertEqual(back.epoch, epoch)
            XCTAssertEqual(back.seq, 5)
            XCTAssertEqual(back.messages, missed)  // original seq and ts, in order
            XCTAssertEqual(back.messages.map(\.seq), [3, 4, 5])

            // The same after a leave on the same connection.
            try bob.send(.leave(room: "lobby", id: "l1"))
            try await bob.expect(.left(room: "lobby", seq: 5, id: "l1"))
            let missedAgain = try await self.say(2, in: "lobby", from: alice, tag: "after leave")
            let again = try await bob.join("lobby", since: 5, epoch: epoch)
            XCTAssertEqual(again.recovered, true)
            XCTAssertEqual(again.messages, missedAgain)

            // Nothing missed: recovered, and an empty replay.
            try bob.send(.leave(room: "lobby", id: "l2"))
            try await bob.expect(.left(room: "lobby", seq: 7, id: "l2"))
            let nothing = try await bob.join("lobby", since: 7, epoch: epoch)
            XCTAssertEqual(nothing.recovered, true)
            XCTAssertEqual(nothing.messages, [])

            // A join without since is unchanged: no epoch, recovered or firstSeq in joined.
            let carol = try await ChatTestClient.connect(server, name: "carol")
            try carol.send(.join(room: "lobby", id: "plain"))
            guard case .text(let text) = try await carol.nextEvent() else { return XCTFail("no joined") }
            XCTAssertEqual(text, #"{"id":"plain","name":"carol","room":"lobby","seq":7,"type":"joined"}"#)
        }
    }

    func testSinceOlderThanHistoryIsNotRecoveredAndNamesTheFirstSeqItHas() async throws {
        try await withServer({ $0.historySize = 3 }) { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "news")
            let bob = try await ChatTestClient.connect(server, name: "bob")
            let start = try await bob.join("news", since: 0)
            let epoch = try XCTUnwrap(start.epoch)
            _ = try await self.say(1, in: "news", from: alice, tag: "seen")
            _ = try await bob.messages(1, in: "news")
            try bob.send(.leave(room: "news", id: "l1"))
            try await bob.expect(.left(room: "news", seq: 1, id: "l1"))
            let said = try await self.say(5, in: "news", from: alice, tag: "missed")  // seq 2...6; history 4...6

            let gap = try await bob.join("news", since: 1, epoch: epoch)
            XCTAssertEqual(gap.recovered, false)
            XCTAssertEqual(gap.firstSeq, 4)  // seq 2 and 3 are gone
            XCTAssertEqual(gap.epoch, epoch)
            XCTAssertEqual(gap.messages, Array(said.suffix(3)))

            // since 3: everything after it is still there, so it is recovered.
            try bob.send(.leave(room: "news", id: "l2"))
            try await bob.expect(.left(room: "news", seq: 6, id: "l2"))
            let edge = try await bob.join("news", since: 3, epoch: epoch)
            XCTAssertEqual(edge.recovered, true)
            XCTAssertNil(edge.firstSeq)
            XCTAssertEqual(edge.messages.map(\.seq), [4, 5, 6])
        }
    }

    func testARecreatedRoomHasANewEpochAndIsNotRecovered() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice")
            let old = try await alice.join("tmp", since: 0)
            let oldEpoch = try XCTUnwrap(old.epoch)
            _ = try await self.say(2, in: "tmp", from: alice, tag: "old")
            try alice.send(.leave(room: "tmp", id: "l1"))
            try await alice.expect(.left(room: "tmp", seq: 2, id: "l1"))  // the room is gone: it had one member

            let bob = try await ChatTestClient.connect(server, name: "bob")
            try await bob.join("tmp")
            let new = try await self.say(2, in: "tmp", from: bob, tag: "new")  // seq 1 and 2 again

            // By seq alone, since 1 would look recoverable; the epoch says it is another room.
            let back = try await alice.join("tmp", since: 1, epoch: oldEpoch)
            XCTAssertEqual(back.recovered, false)
            XCTAssertEqual(back.firstSeq, 1)
            XCTAssertNotNil(back.epoch)
            XCTAssertNotEqual(back.epoch, oldEpoch)
            XCTAssertEqual(back.messages, new)
        }
    }

    func testMessagesOlderThanTheHistoryAgeAreDropped() async throws {
        try await withServer({ $0.historyMaxAge = .milliseconds(300) }) { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let old = try await self.say(1, in: "lobby", from: alice, tag: "old")
            let oldTs = try XCTUnwrap(old.first?.ts)
            try await eventually("the first message to be older than 300 ms") {
                Int64(Date().timeIntervalSince1970 * 1000) > oldTs + 400
            }
            let young = try await self.say(1, in: "lobby", from: alice, tag: "young")

            let bob = try await ChatTestClient.connect(server, name: "bob")
            let joined = try await bob.join("lobby", since: 0)
            XCTAssertEqual(joined.recovered, false)
            XCTAssertEqual(joined.firstSeq, 2)
            XCTAssertEqual(joined.messages, young)
            let youngTs = try XCTUnwrap(young.first?.ts)

            // Dropped when history is read too, with nothing appended since.
            try await eventually("the second message to be older than 300 ms") {
                Int64(Date().timeIntervalSince1970 * 1000) > youngTs + 400
            }
            let carol = try await ChatTestClient.connect(server, name: "carol")
            let (seq, history) = try await carol.join("lobby")
            XCTAssertEqual(seq, 2)
            XCTAssertEqual(history, [])
            let dave = try await ChatTestClient.connect(server, name: "dave")
            let empty = try await dave.join("lobby", since: 1)
            XCTAssertEqual(empty.recovered, false)
            XCTAssertEqual(empty.firstSeq, 3)  // nothing left: the next seq
        }
    }

    func testBadSinceOrEpochGetsBadFieldNamingTheField() async throws {
        try await withServer { server in
            let mallory = try await ChatTestClient.connect(server, name: "mallory")
            let cases: [(frame: String, field: String)] = [
                (#"{"type":"join","room":"lobby","since":"5","id":"j1"}"#, "since"),
                (#"{"type":"join","room":"lobby","since":-1,"id":"j2"}"#, "since"),
                (#"{"type":"join","room":"lobby","since":1.5,"id":"j3"}"#, "since"),
                (#"{"type":"join","room":"lobby","since":true,"id":"j4"}"#, "since"),
                (#"{"type":"join","room":"lobby","since":3,"epoch":7,"id":"j5"}"#, "epoch"),
            ]
            for (index, (frame, field)) in cases.enumerated() {
                try mallory.send(raw: frame)
                guard case .error(.badField, let message, let id) = try await mallory.next() else {
                    return XCTFail("\(frame): expected bad_field")
                }
                XCTAssertEqual(id, "j\(index + 1)", frame)
                XCTAssertTrue(message.contains("\"\(field)\""), "\(frame): \(message)")
            }
            // Still connected, and a good one works (since null is no since).
            try mallory.send(raw: #"{"type":"join","room":"lobby","since":null,"id":"ok"}"#)
            try await mallory.expect(.joined(room: "lobby", name: "mallory", seq: 0, id: "ok"))
        }
    }
}
