import ChatKit
import Foundation
import NIOPosix
import XCTest

/// A real `redis-server` (Debian's package, installed by `.ci/install-deps`) on a free loopback port, without
/// persistence, for one test. ``restart()`` stops it (SIGKILL: everything in memory is lost) and starts a new
/// one on the same port.
package final class RedisTestServer: @unchecked Sendable {
    private(set) var port: Int
    private var process: ChildProcess?

    package var url: String { "redis://127.0.0.1:\(self.port)" }

    package init() async throws {
        self.port = try Self.freePort()
        // The port was free a moment ago; if another process took it meanwhile, pick another.
        for attempt in 1...3 {
            do {
                try await self.launch()
                return
            } catch where attempt < 3 {
                self.port = try Self.freePort()
            }
        }
    }

    package static func executable() throws -> URL {
        for path in ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        throw MissingPrerequisite.error(
            "redis-server is missing: run `bash .ci/install-deps` (it installs Debian's redis-server)",
            what: "redis-server")
    }

    private func launch() async throws {
        let process = try ChildProcess(
            try Self.executable(),
            [
                "--port", String(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--protected-mode", "no", "--loglevel", "warning",
            ])
        self.process = process
        let port = self.port
        try await eventually("redis-server on port \(port)", timeout: .seconds(15)) {
            guard process.process.isRunning else { return true }
            return Self.ping(port: port)
        }
        guard process.process.isRunning else {
            throw TestTimeout(what: "redis-server to start: \(process.stderr) \(process.stdout)")
        }
    }

    /// Kills the server; its data is gone.
    package func kill() async {
        guard let process = self.process else { return }
        Foundation.kill(process.process.processIdentifier, SIGKILL)
        _ = try? await process.wait(timeout: .seconds(10))
        self.process = nil
    }

    /// Kills the server and starts an empty one on the same port.
    package func restart() async throws {
        await self.kill()
        try await self.launch()
    }

    package func stop() async { await self.kill() }

    deinit { if let process = self.process { Foundation.kill(process.process.processIdentifier, SIGKILL) } }

    /// Whether something answers `PING` with `+PONG` on the port.
    package static func ping(port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let ping = Array("PING\r\n".utf8)
        guard write(socket, ping, ping.count) == ping.count else { return false }
        var reply = [UInt8](repeating: 0, count: 64)
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let count = read(socket, &reply, reply.count)
        return count > 0 && String(decoding: reply[0..<count], as: UTF8.self).hasPrefix("+PONG")
    }

    /// A port nothing listens on right now (bound and released; the small race is acceptable in tests).
    package static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw TestTimeout(what: "a free port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard named == 0 else { throw TestTimeout(what: "a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
