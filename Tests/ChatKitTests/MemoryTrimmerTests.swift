import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import NIOCore
import XCTest

/// Memory freed by closed connections goes back to the system once the server is quiet: the trimmer trims after
/// closes, and never on a server where nothing closed or that is busy (bench/attack_rss.py measures the RSS).
final class MemoryTrimmerTests: XCTestCase {
    func testTrimsAfterConnectionsCloseAndOnlyThen() async throws {
        try await withServer({ $0.memoryTrimInterval = .milliseconds(50) }) { server in
            let trimmer = server.memoryTrimmer
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            // Nothing closed: three looks, no trim.
            let looked = trimmer.looks.withLockedValue { $0 }
            try await eventually("three looks") { trimmer.looks.withLockedValue { $0 } >= looked + 3 }
            XCTAssertEqual(trimmer.trims.withLockedValue { $0 }, 0)

            // A connection closes on a quiet server: the next look trims, once.
            await alice.close()
            try await eventually("a trim after the close") { trimmer.trims.withLockedValue { $0 } == 1 }
            let afterTrim = trimmer.looks.withLockedValue { $0 }
            try await eventually("three more looks") { trimmer.looks.withLockedValue { $0 } >= afterTrim + 3 }
            XCTAssertEqual(trimmer.trims.withLockedValue { $0 }, 1, "no close since: no further trim")
        }
    }

    func testABusyServerIsNotTrimmedWhileMessagesFlow() async throws {
        // No timer: the test takes the looks itself, so what happens between two looks is exact.
        try await withServer({ $0.memoryTrimInterval = nil }) { server in
            let trimmer = server.memoryTrimmer
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "lobby")
            trimmer.look()
            await bob.close()
            try await eventually("bob's close counted") { server.stats.snapshot.connectionsCurrent == 1 }
            // A close, but 1000 messages since the last look: busy, no trim.
            for index in 1...MemoryTrimmer.quietMessages {
                try alice.send(.say(room: "lobby", content: "busy \(index)", id: nil))
            }
            _ = try await alice.next { frame -> Bool? in
                if case .message(let message) = frame, message.seq == MemoryTrimmer.quietMessages { return true }
                return nil
            }
            trimmer.look()
            XCTAssertEqual(trimmer.trims.withLockedValue { $0 }, 0, "trimmed while messages flowed")
            // Quiet since, but no close since: still no trim.
            trimmer.look()
            XCTAssertEqual(trimmer.trims.withLockedValue { $0 }, 0, "trimmed with no close since the last look")
            await alice.close()
            try await eventually("alice's close counted") { server.stats.snapshot.connectionsCurrent == 0 }
            trimmer.look()
            XCTAssertEqual(trimmer.trims.withLockedValue { $0 }, 1)
        }
    }
}
