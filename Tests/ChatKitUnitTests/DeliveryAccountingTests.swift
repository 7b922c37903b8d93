import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import ChatKitTestSupport
import XCTest

/// The accounting rules on synthetic records: sequence tracking, delivery totals, the presence rule.
final class DeliveryAccountingTests: XCTestCase {
    func testSequenceTrackerCountsGapsDuplicatesAndLateArrivals() {
        var tracker = SequenceTracker(startAfter: 10)
        for seq in [8, 11, 12, 14, 12, 13, 16] { tracker.record(seq) }
        XCTAssertEqual(tracker.received, 5)  // 11, 12, 14, 13 (late), 16
        XCTAssertEqual(tracker.duplicated, 1)  // the second 12
        XCTAssertEqual(tracker.outOfOrder, 1)  // 13 after 14
        XCTAssertEqual(tracker.expected(through: 16), 6)  // 11…16: 15 never came
        XCTAssertEqual(tracker.highestSeen, 16)
    }

    private func membership(_ room: String, start: Int, seqs: [Int], end: MembershipEnd,
                            join: (Int64, Int64), leave: (Int64, Int64)? = nil, presence: Int = 0) -> MembershipRecord {
        var tracker = SequenceTracker(startAfter: start)
        for seq in seqs { tracker.record(seq) }
        return MembershipRecord(
            room: room, tracker: tracker, end: end, joinRequestedNanoseconds: join.0, joinAckNanoseconds: join.1,
            endRequestedNanoseconds: leave?.0, endAckNanoseconds: leave?.1, presenceObserved: presence)
    }

    func testDeliveryTotalsUseJoinedLeftAndRejoinSeqs() {
        let accounts = [
            // Stayed from seq 0 to the end (room's last seq 10) and got everything.
            UserAccounting(userIndex: 0, memberships: [self.membership("r", start: 0, seqs: Array(1...10), end: .open, join: (0, 1))],
                           rawTrackers: [:], rawReadyAtCounter: nil),
            // Left at seq 6 having got 1…6.
            UserAccounting(userIndex: 1, memberships: [self.membership("r", start: 0, seqs: Array(1...6), end: .left(seq: 6), join: (0, 1))],
                           rawTrackers: [:], rawReadyAtCounter: nil),
            // Dropped after 3, came back at seq 7, then got 8…10: 4…7 are lost.
            UserAccounting(userIndex: 2, memberships: [
                self.membership("r", start: 0, seqs: [1, 2, 3], end: .disconnected(rejoinSeq: 7), join: (0, 1)),
                self.membership("r", start: 7, seqs: [8, 9, 10], end: .open, join: (5, 6)),
            ], rawTrackers: [:], rawReadyAtCounter: nil),
            // Dropped after 5 and never came back: 6…10 are lost.
            UserAccounting(userIndex: 3, memberships: [self.membership("r", start: 0, seqs: [1, 2, 3, 4, 5], end: .disconnected(rejoinSeq: nil), join: (0, 1))],
                           rawTrackers: [:], rawReadyAtCounter: nil),
        ]
        let totals = DeliveryTotals.compute(accounts, rawSendCount: 0)
        XCTAssertEqual(totals.expected, 10 + 6 + 7 + 3 + 10)
        XCTAssertEqual(totals.received, 10 + 6 + 3 + 3 + 5)
        XCTAssertEqual(totals.lost, 4 + 5)
    }

    func testPresenceIsExpectedOnlyForEventsInsideTheMembership() {
        // M is a member from t=10 (ack) until it asks to leave at t=100.
        let member = self.membership("r", start: 0, seqs: [], end: .left(seq: 0), join: (5, 10), leave: (100, 105), presence: 2)
        let inside = self.membership("r", start: 0, seqs: [], end: .left(seq: 0), join: (20, 25), leave: (50, 55))
        let overlappingJoin = self.membership("r", start: 0, seqs: [], end: .open, join: (8, 12))  // asked before M's ack
        let afterwards = self.membership("r", start: 0, seqs: [], end: .open, join: (101, 102))  // after M asked to leave
        let accounts = [member, inside, overlappingJoin, afterwards].enumerated().map {
            UserAccounting(userIndex: $0.offset, memberships: [$0.element], rawTrackers: [:], rawReadyAtCounter: nil)
        }
        let totals = DeliveryTotals.compute(accounts, rawSendCount: 0)
        // For M: `inside` joined and left within M's membership: 2 expected, 2 observed.
        // Not expected for M: overlappingJoin (asked at 8, before M's ack) and afterwards (asked at 101, after M
        // asked to leave). overlappingJoin (ack 12, open) must see inside's join and leave, M's leave and
        // afterwards' join: 4. afterwards (ack 102) and inside (25 to 50) must see nothing.
        XCTAssertEqual(totals.presenceExpected, 2 + 4)
        XCTAssertEqual(totals.presenceObserved, 2)
        XCTAssertEqual(totals.presenceMissing, 4)
    }
}
