import ChatKitTestSupport
import Foundation
import XCTest

/// The manifests in deploy/kubernetes/ parse and fit together (Tests/interop/validate_kubernetes.py, PyYAML from
/// the test venv); a broken copy is refused with a message that names the problem.
final class KubernetesManifestTests: XCTestCase {
    private func validate(_ directory: URL) async throws -> (status: Int32, output: String) {
        let process = try ChildProcess(
            try RepositoryPaths.python(), [RepositoryPaths.interopScript("validate_kubernetes.py"), directory.path])
        let status = try await process.wait(timeout: .seconds(60))
        return (status, process.stdout + process.stderr)
    }

    func testShippedManifestsAreConsistent() async throws {
        let result = try await self.validate(RepositoryPaths.root.appendingPathComponent("deploy/kubernetes"))
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.output.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }

    func testAJobWhoseShardsDisagreeWithItsCompletionsIsRefused() async throws {
        let source = RepositoryPaths.root.appendingPathComponent("deploy/kubernetes")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("k8s-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in ["redis.yaml", "chatserver.yaml", "chatctl-job.yaml"] {
            var text = try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8)
            if name == "chatctl-job.yaml" {
                text = text.replacingOccurrences(of: "completionMode: Indexed", with: "completionMode: NonIndexed")
            }
            if name == "chatserver.yaml" {
                text = text.replacingOccurrences(of: "redis://redis:6379", with: "redis://cache:6379")
            }
            try text.write(to: copy.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let result = try await self.validate(copy)
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.output.contains("completionMode must be Indexed"), result.output)
        XCTAssertTrue(result.output.contains("is not the redis Service"), result.output)
    }
}
