import ChatKit
import Foundation
import XCTest

/// Out of file descriptors, chatserver backs off accepting instead of spinning, and serves again once
/// connections close.
final class DescriptorExhaustionTests: XCTestCase {
    /// User plus system CPU seconds of process `pid`, from /proc.
    private func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
        guard let close = stat.lastIndex(of: ")") else { throw TestTimeout(what: "a /proc stat line") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw TestTimeout(what: "utime and stime")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

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
        // Accept is failing now (EMFILE) with connections waiting: a server that retries at once burns a core.
        let before = try self.cpuSeconds(pid)
        try await Task.sleep(for: .milliseconds(1500))  // a measuring window, not a wait for a condition
        let used = try self.cpuSeconds(pid) - before
        XCTAssertLessThan(used, 0.5, "the server used \(used) s of CPU in 1.5 s while out of descriptors")

        // Once connections close, it accepts again and answers.
        for client in clients { await client.close() }
        try await eventually("healthz answered again", timeout: .seconds(20)) {
            (try? await httpRequest(port: port, method: "GET", path: "/healthz"))?.status == 200
        }
    }
}
