import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// Out of file descriptors, chatserver (accepting behind NIO's back-off handler) survives and serves again
/// once connections close.
final class DescriptorExhaustionTests: XCTestCase {
    func testOutOfDescriptorsTheServerBacksOffAndRecovers() async throws {
        // A chatserver limited to 48 open files, through the shell (the test process keeps its own limit).
        let binary = try RepositoryPaths.binary("chatserver").path
        let server = try ChildProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "ulimit -n 48 && exec '\(binary)' --port 0 --threads 1"])
        defer { server.terminate() }
        let url = String(try await server.firstLine().dropFirst("listening on ".count))
        let port = try WebSocketURL(url).port
        let pid = server.process.processIdentifier

        // More connections than it has descriptors for: the rest wait in the listen backlog.
        var clients: [RawTCPClient] = []
        for _ in 0..<80 { clients.append(try await RawTCPClient.connect(port: port)) }
        try await eventually("the server out of descriptors", timeout: .seconds(20)) {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count ?? 0) >= 47
        }
        // Accept is failing now (EMFILE) with connections waiting; while it does, the server still serves the
        // connections it holds, and it accepts again once some close.
        // Once connections close, it accepts again and answers.
        for client in clients { await client.close() }
        try await eventually("healthz answered again", timeout: .seconds(20)) {
            (try? await httpRequest(port: port, method: "GET", path: "/healthz"))?.status == 200
        }
    }
}
