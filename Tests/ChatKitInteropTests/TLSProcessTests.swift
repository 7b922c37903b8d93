import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// `chatserver --tls-cert/--tls-key` and chatctl's `--ca-file`/`--insecure` as real child processes, with a
/// certificate made at test time: health over https, a load run and send/listen over wss, clear failures.
final class TLSProcessTests: XCTestCase {
    private var certificate: TestCertificate?

    override func setUp() async throws {
        self.certificate = try await TestCertificate.make()
    }

    override func tearDown() async throws {
        self.certificate?.remove()
    }

    private func chatctl(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(120))
        async throws -> (status: Int32, stdout: String, stderr: String)
    {
        let child = try ChildProcess(try RepositoryPaths.binary("chatctl"), arguments)
        if let stdin { child.write(stdin) }
        child.closeStdin()
        let status = try await child.wait(timeout: timeout)
        return (status, child.stdout, child.stderr)
    }

    /// Starts `chatserver --port 0` with the test certificate; returns it with its wss:// URL.
    private func startTLSServer(_ extra: [String] = []) async throws -> (ChildProcess, String) {
        let certificate = try XCTUnwrap(self.certificate)
        let server = try ChildProcess(
            try RepositoryPaths.binary("chatserver"),
            ["--port", "0", "--threads", "1", "--tls-cert", certificate.certificatePath, "--tls-key", certificate.keyPath]
                + extra)
        let line = try await server.firstLine()
        guard line.hasPrefix("listening on wss://127.0.0.1:") else {
            server.terminate()
            XCTFail("first line: \(line); stderr: \(server.stderr)")
            throw TestTimeout(what: "chatserver over TLS")
        }
        return (server, String(line.dropFirst("listening on ".count)))
    }

    func testHealthAndAdminOverHTTPSWithTheCAFileOrInsecure() async throws {
        let certificate = try XCTUnwrap(self.certificate)
        let (server, url) = try await self.startTLSServer(["--admin-token", "secret"])
        defer { server.terminate() }
        let httpsURL = url.replacingOccurrences(of: "wss://", with: "https://").replacingOccurrences(of: "/ws", with: "")

        let trusted = try await self.chatctl(["health", httpsURL, "--ca-file", certificate.certificatePath])
        XCTAssertEqual(trusted.status, 0, trusted.stderr)
        XCTAssertTrue(trusted.stdout.hasPrefix("healthy: status=ok"), trusted.stdout)

        let viaWSS = try await self.chatctl(["health", url, "--insecure", "--json"])
        XCTAssertEqual(viaWSS.status, 0, viaWSS.stderr)
        XCTAssertTrue(viaWSS.stdout.contains(#""status":"ok""#), viaWSS.stdout)

        let admin = try await self.chatctl(
            ["admin", "stats", "--url", httpsURL, "--token", "secret", "--ca-file", certificate.certificatePath])
        XCTAssertEqual(admin.status, 0, admin.stderr)

        // Without trust: curl's certificate error, exit 3 like any unreachable server.
        let untrusted = try await self.chatctl(["health", httpsURL])
        XCTAssertEqual(untrusted.status, 3, untrusted.stdout + untrusted.stderr)
        XCTAssertTrue(untrusted.stderr.contains("cannot connect to \(httpsURL)/healthz: TLS handshake failed"), untrusted.stderr)

        let contradiction = try await self.chatctl(["health", httpsURL, "--insecure", "--ca-file", certificate.certificatePath])
        XCTAssertEqual(contradiction.status, 2)
        XCTAssertTrue(contradiction.stderr.contains("--insecure and --ca-file contradict each other"), contradiction.stderr)

        let missingCA = try await self.chatctl(["health", httpsURL, "--ca-file", "/nonexistent/ca.pem"])
        XCTAssertEqual(missingCA.status, 2)
        XCTAssertTrue(missingCA.stderr.contains("--ca-file /nonexistent/ca.pem: no such file"), missingCA.stderr)
    }

    func testAnIndependentClientGetsMetricsThePageAndChatsOverTLS() async throws {
        // Python's ssl (OpenSSL) and the `websockets` package, trusting only the test certificate.
        let certificate = try XCTUnwrap(self.certificate)
        let (server, url) = try await self.startTLSServer()
        defer { server.terminate() }
        let httpsBase = url.replacingOccurrences(of: "wss://", with: "https://").replacingOccurrences(of: "/ws", with: "")
        let python = try ChildProcess(
            try RepositoryPaths.python(),
            [RepositoryPaths.interopScript("tls_client.py"), certificate.certificatePath, httpsBase, url])
        python.closeStdin()
        let status = try await python.wait(timeout: .seconds(60))
        XCTAssertEqual(status, 0, python.stdout + python.stderr)
        XCTAssertEqual(python.stdout, "metrics: 200 True\npage: 200 True\nchat: hello from python\n", python.stderr)
    }

    func testRunSendAndListenOverWSS() async throws {
        let certificate = try XCTUnwrap(self.certificate)
        let (server, url) = try await self.startTLSServer()
        defer { server.terminate() }

        let scenario = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString).json")
        try Data(TLSTests.tinyScenario.utf8).write(to: scenario)
        defer { try? FileManager.default.removeItem(at: scenario) }
        let run = try await self.chatctl(
            ["run", scenario.path, "--target", url, "--ca-file", certificate.certificatePath, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("result: PASS"), run.stdout)

        let untrustedRun = try await self.chatctl(["run", scenario.path, "--target", url, "--quiet"])
        XCTAssertEqual(untrustedRun.status, 3, untrustedRun.stdout + untrustedRun.stderr)
        XCTAssertTrue(
            untrustedRun.stderr.contains("target unreachable: \(url): TLS handshake failed: certificate verify failed"),
            untrustedRun.stderr)

        // listen waits for one message; send delivers it once listen is in the room (presence says so).
        let listener = try ChildProcess(
            try RepositoryPaths.binary("chatctl"),
            ["listen", url, "--room", "ops", "--as", "watcher", "--insecure", "--count", "1", "--timeout", "30"])
        defer { listener.terminate() }
        try await eventually("listen joined", timeout: .seconds(30)) {
            let users = try await self.chatctl(["send", url, "--json", "--room", "ops", "--insecure"],
                                               stdin: #"{"type":"users","room":"ops","id":"u"}"# + "\n")
            return users.stdout.contains("watcher")
        }
        let sent = try await self.chatctl(
            ["send", url, "--room", "ops", "--as", "deploybot", "--ca-file", certificate.certificatePath],
            stdin: "deploy finished\n")
        XCTAssertEqual(sent.status, 0, sent.stderr)
        let listened = try await listener.wait(timeout: .seconds(30))
        XCTAssertEqual(listened, 0, listener.stderr)
        XCTAssertTrue(listener.stdout.contains("[ops] deploybot: deploy finished"), listener.stdout)

        let untrustedSend = try await self.chatctl(["send", url, "--room", "ops"], stdin: "nope\n")
        XCTAssertEqual(untrustedSend.status, 3, untrustedSend.stderr)
        XCTAssertTrue(untrustedSend.stderr.contains("TLS handshake failed: certificate verify failed"), untrustedSend.stderr)
    }

    func testTLSFlagsNeedEachOtherAndUsableFiles() async throws {
        let certificate = try XCTUnwrap(self.certificate)
        let cases: [([String], String)] = [
            (["--tls-cert", certificate.certificatePath], "--tls-cert needs --tls-key"),
            (["--tls-key", certificate.keyPath], "--tls-key needs --tls-cert"),
            (["--tls-cert", "/nonexistent/server.crt", "--tls-key", certificate.keyPath],
             "--tls-cert /nonexistent/server.crt: no such file"),
            (["--tls-cert", certificate.certificatePath, "--tls-key", certificate.certificatePath],
             "--tls-key \(certificate.certificatePath): no usable PEM private key"),
        ]
        for (arguments, message) in cases {
            let server = try ChildProcess(try RepositoryPaths.binary("chatserver"), ["--port", "0"] + arguments)
            let status = try await server.wait()
            XCTAssertEqual(status, 2, "\(arguments): \(server.stdout)")
            XCTAssertTrue(server.stderr.contains(message), "\(arguments): \(server.stderr)")
        }
    }
}
