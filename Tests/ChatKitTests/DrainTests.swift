import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import Atomics
import Foundation
import NIOCore
import XCTest

/// The drain against a real server, with one member not reading for a while, the way a starved machine leaves
/// a process unscheduled: the sender has every echo back, nothing arrives, and yet copies are on their way.
final class DrainTests: XCTestCase {
    func testTheDrainWaitsForAMemberWhoseCopiesAreStillOnTheirWay() async throws {
        try await self.runStalledMember(protocolName: "chat", configure: { _ in }, whisper: false)
    }

    func testTheDrainWaitsForARawUserWhoseCopiesAreStillOnTheirWay() async throws {
        try await self.runStalledMember(protocolName: "raw", configure: { $0.mode = .broadcast }, whisper: false)
    }

    func testTheDrainWaitsForWhispersStillOnTheirWay() async throws {
        try await self.runStalledMember(protocolName: "chat", configure: { _ in }, whisper: true)
    }

    func testAShardsDrainWaitsForCopiesAndWhispersOnTheirWay() async throws {
        // A shard cannot see the other shards' sends, but it does see its own members' seqs and its own
        // whispers (which go only to its own users).
        try await self.runStalledMember(protocolName: "chat", configure: { _ in }, whisper: false, sharded: true)
        try await self.runStalledMember(protocolName: "chat", configure: { _ in }, whisper: true, sharded: true)
    }

    /// Two users in room `r` on one event loop. The second user stops reading its socket; the first says 5
    /// messages (or whispers 5 to the second) and gets its 5 echoes. The drain must not end while the second
    /// user's 5 copies wait in its socket (a drain that only waited for 300 ms of quiet did), and once the user
    /// reads again it must end by itself, long before its limit, with every copy counted.
    private func runStalledMember(
        protocolName: String, configure: @escaping (inout ServerConfiguration) -> Void, whisper: Bool,
        sharded: Bool = false
    ) async throws {
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"drain","protocol":"\#(protocolName)","groups":[{"name":"g","count":2,"namePattern":"d-{i}","rooms":["r"]}],
             "phases":[{"type":"hold","duration":"1s"}]}
            """#.utf8))
        try await withServer(configure) { server in
            let run = try UsersOnOneLoop(scenario, server: server)
            let (loop, metrics, users) = (run.loop, run.metrics, run.users)
            try await run.connect()
            XCTAssertEqual(run.context.connectedUsers.load(ordering: .relaxed), 2)

            let channel = try await loop.submit { users[1].connection?.channel }.get()
            let stalled = try XCTUnwrap(channel)
            try await stalled.setOption(ChannelOptions.autoRead, value: false).get()
            let sender = users[0]
            try await sender.eventLoop.submit {
                for _ in 0..<5 {
                    if whisper {
                        sender.whisper(to: 1, content: .text("psst"), scheduledNanoseconds: LoadRunContext.now())
                    } else {
                        sender.say(room: "r", content: .text("hello"), scheduledNanoseconds: LoadRunContext.now())
                    }
                }
            }.get()
            try await eventually("the sender to have its 5 echoes") { metrics.progressCounters.answers == 5 }

            let drainEnded = ManagedAtomic(false)
            let started = ContinuousClock.now
            let drain = Task {
                await LoadRunner.drain(users, [metrics], sharded: sharded, maxSeconds: 20)
                drainEnded.store(true, ordering: .relaxed)
            }
            // The stall: twice the quiet moment after which the old drain gave up.
            try await Task.sleep(for: .milliseconds(600))
            XCTAssertFalse(drainEnded.load(ordering: .relaxed), "the drain ended while 5 copies were still in flight")
            try await stalled.setOption(ChannelOptions.autoRead, value: true).get()
            await drain.value
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(15), "the drain waited for its limit")

            var accounts: [UserAccounting] = []
            for user in users { accounts.append(try await user.eventLoop.submit { user.finishAccounting() }.get()) }
            let totals = DeliveryTotals.compute(accounts, rawSendCount: run.context.rawSendCounter.load(ordering: .relaxed))
            let expected = whisper ? 0 : 10  // 5 messages × 2 members; whispers are not room copies
            XCTAssertEqual(totals.expected, expected)
            XCTAssertEqual(totals.received, expected)
            XCTAssertEqual(totals.lost, 0)
            XCTAssertEqual(metrics.progressCounters.whispersDelivered, whisper ? 5 : 0)
            try await run.shutdown()
        }
    }

    func testCopiesOutstandingCountsWhatTheAccountingWouldCallLost() {
        func member(_ room: String, joinedAfter: Int, seqs: [Int]) -> MembershipRecord {
            var tracker = SequenceTracker(startAfter: joinedAfter)
            for seq in seqs { tracker.record(seq) }
            return MembershipRecord(
                room: room, tracker: tracker, end: .open, joinRequestedNanoseconds: 0, joinAckNanoseconds: 0)
        }
        // Room a's last seq is 6 (seen by the first member); the second is missing 5 and 6, and 3 in its middle.
        // The third joined after seq 6 and is owed nothing. Room b's last seq, 9, was seen by a member who has
        // since left: the open member who has 7 is missing 8 and 9. A raw user is missing 2 copies.
        let users = [
            DeliveryProgress(open: [member("a", joinedAfter: 0, seqs: [1, 2, 3, 4, 5, 6])]),
            DeliveryProgress(open: [member("a", joinedAfter: 1, seqs: [2, 4]), member("b", joinedAfter: 6, seqs: [7])]),
            DeliveryProgress(open: [member("a", joinedAfter: 6, seqs: [])], endedHighest: ["b": 9]),
            DeliveryProgress(rawMissing: 2),
        ]
        XCTAssertEqual(DeliveryProgress.copiesOutstanding(users), 3 + 2 + 2)
        XCTAssertEqual(DeliveryProgress.copiesOutstanding(Array(users[0...0])), 0)
        XCTAssertEqual(DeliveryProgress.copiesOutstanding([]), 0)
    }
}
