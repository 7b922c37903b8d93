import ChatKitTestSupport
import Foundation
import XCTest

/// Replays each fuzz target's committed corpus (Tests/fuzz/corpus/<target>/) with the target built as a
/// replayer (`swift build --build-tests` builds it): every seed, and every reproducer of a crash the fuzzers
/// found, must still pass the target's invariants. See docs/fuzzing.md.
final class FuzzCorpusTests: XCTestCase {
    func testChatFramesCorpus() async throws { try await self.replay("FuzzChatFrames") }
    func testScenarioCorpus() async throws { try await self.replay("FuzzScenario") }
    func testHTTPCorpus() async throws { try await self.replay("FuzzHTTP") }

    private func replay(_ target: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        let corpus = RepositoryPaths.root.appendingPathComponent("Tests/fuzz/corpus/\(target)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { !$0.hasPrefix(".") }
        XCTAssertFalse(inputs.isEmpty, "\(corpus.path) is empty", file: file, line: line)
        let child = try ChildProcess(
            try RepositoryPaths.binary(target), [corpus.path], environment: ["SWIFT_BACKTRACE": "enable=no"])
        let status = try await child.wait(timeout: .seconds(120))
        XCTAssertEqual(status, 0, "\(target) failed on its corpus:\n\(child.stderr)", file: file, line: line)
        XCTAssertEqual(
            child.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "\(target): \(inputs.count) inputs passed",
            file: file, line: line)
    }
}
