import ChatKit
import XCTest

/// `ReconnectPolicy`: exponential waits capped at `maxDelay`, jitter that only shortens them, and the attempt limit.
final class ReconnectPolicyTests: XCTestCase {
    func testWaitsGrowByTheFactorUpToTheCap() {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(100), factor: 3, maxDelay: .seconds(2), maxAttempts: 4)
        XCTAssertEqual((1...6).map { policy.baseDelay(attempt: $0) }, [
            .milliseconds(100), .milliseconds(300), .milliseconds(900), .seconds(2), .seconds(2), .seconds(2),
        ])
        XCTAssertEqual(policy.baseDelay(attempt: 100_000), .seconds(2))  // no overflow
        XCTAssertEqual(policy.delay(attempt: 2, random: 0.7), .milliseconds(300))  // no jitter by default
        XCTAssertTrue(policy.allows(attempt: 4))
        XCTAssertFalse(policy.allows(attempt: 5))
        XCTAssertTrue(ReconnectPolicy(maxAttempts: nil).allows(attempt: .max))
        XCTAssertFalse(ReconnectPolicy(maxAttempts: 0).allows(attempt: 1))
    }

    func testJitterOnlyShortensAWaitByUpToItsShare() {
        let policy = ReconnectPolicy(initialDelay: .seconds(1), factor: 2, maxDelay: .seconds(10), jitter: 0.5)
        XCTAssertEqual(policy.delay(attempt: 2, random: 0), .seconds(2))
        XCTAssertEqual(policy.delay(attempt: 2, random: 1), .seconds(1))
        XCTAssertEqual(policy.delay(attempt: 2, random: 0.5), .milliseconds(1500))
        XCTAssertEqual(policy.delay(attempt: 2, random: 7), .seconds(1))  // out-of-range randomness is clamped
    }
}
