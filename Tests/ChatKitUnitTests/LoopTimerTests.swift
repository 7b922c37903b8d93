import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import ChatKitTestSupport
import NIOCore
import NIOEmbedded
import XCTest

/// A LoopTimer fires once when due, never once disarmed, and lets go of what its action captured when disarmed.
final class LoopTimerTests: XCTestCase {
    func testFiresOnceWhenDue() {
        let loop = EmbeddedEventLoop()
        var fired = 0
        let timer = LoopTimer.schedule(on: loop, in: .seconds(5)) { fired += 1 }
        loop.advanceTime(by: .seconds(4))
        XCTAssertEqual(fired, 0)
        XCTAssertTrue(timer.isArmed)
        loop.advanceTime(by: .seconds(1))
        XCTAssertEqual(fired, 1)
        XCTAssertFalse(timer.isArmed)
        loop.advanceTime(by: .seconds(60))
        XCTAssertEqual(fired, 1)
    }

    func testDisarmedTimerDoesNothingAndReleasesItsCaptures() {
        let loop = EmbeddedEventLoop()
        final class Payload {}
        var fired = false
        weak var released: Payload?
        let timer: LoopTimer = {
            let payload = Payload()
            released = payload
            return LoopTimer.schedule(on: loop, in: .seconds(1)) {
                _ = payload
                fired = true
            }
        }()
        XCTAssertNotNil(released, "the armed timer holds what its action captured")
        timer.disarm()
        XCTAssertNil(released, "disarming releases it at once, not when the timer comes due")
        loop.advanceTime(by: .seconds(2))
        XCTAssertFalse(fired)
    }
}
