import ChatKit
import ChatKitLoad
import ChatKitTLS
import ChatKitTestSupport
import NIOCore
import NIOPosix
import XCTest

/// wss:// end to end in one process: a ChatServer with TLS from a certificate made at test time, real ChatKit
/// clients that trust it (CA file), skip the check (insecure), or do not trust it; mixed-up plaintext and TLS.
final class TLSTests: XCTestCase {
    private var certificate: TestCertificate?

    override func setUp() async throws {
        self.certificate = try await TestCertificate.make()
    }

    override func tearDown() async throws {
        self.certificate?.remove()
    }

    private func serverTLS() throws -> NIOSSLServerTLS {
        let certificate = try XCTUnwrap(self.certificate)
        return try NIOSSLServerTLS(certificateChainFile: certificate.certificatePath, privateKeyFile: certificate.keyPath)
    }

    private func clientConfiguration(_ trust: NIOSSLClientTLS.Trust) throws -> ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.connectTimeout = .seconds(5)
        configuration.tls = try NIOSSLClientTLS(trust: trust)
        return configuration
    }

    private func withTLSServer<T>(_ body: (ChatServer) async throws -> T) async throws -> T {
        let tls = try self.serverTLS()
        return try await withServer({ $0.tls = tls }, body)
    }

    func testURLsOfATLSServerAreWSSAndHTTPS() async throws {
        try await self.withTLSServer { server in
            XCTAssertTrue(server.isTLS)
            XCTAssertEqual(server.url, "wss://127.0.0.1:\(server.port)/ws")
            XCTAssertEqual(server.httpURL, "https://127.0.0.1:\(server.port)")
        }
    }

    func testAClientTrustingTheCertificateJoinsARoomAndExchangesMessages() async throws {
        let certificate = try XCTUnwrap(self.certificate)
        let configuration = try self.clientConfiguration(.caFile(certificate.certificatePath))
        try await self.withTLSServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby", configuration: configuration)
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "lobby", configuration: configuration)
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))
            try bob.send(.say(room: "lobby", content: "hello over tls", id: "1"))
            let seen = try await alice.next { frame -> String? in
                if case .message(let message) = frame, message.from == "bob" { return message.content } else { return nil }
            }
            XCTAssertEqual(seen, "hello over tls")
            try alice.send(.whisper(to: "bob", content: "psst", id: "2"))
            let whispered = try await bob.next { frame -> String? in
                if case .whisper(let message) = frame, message.from == "alice" { return message.content } else { return nil }
            }
            XCTAssertEqual(whispered, "psst")
            await alice.close()
            await bob.close()
        }
    }

    func testHostNamesAreCheckedThroughSNI() async throws {
        // `localhost` goes in SNI and must match the certificate's DNS name (the IP path is the test above).
        let certificate = try XCTUnwrap(self.certificate)
        let configuration = try self.clientConfiguration(.caFile(certificate.certificatePath))
        try await self.withTLSServer { server in
            let client = try await WebSocketClient.connect(
                to: "wss://localhost:\(server.port)/ws?name=carol", configuration: configuration)
            var events = client.events.makeAsyncIterator()
            guard case .text(let welcome) = await events.next() else { return XCTFail("no welcome") }
            XCTAssertTrue(welcome.contains(#""type":"welcome""#), welcome)
            await client.close()
        }
    }

    func testAnInsecureClientConnectsToTheSelfSignedServer() async throws {
        let configuration = try self.clientConfiguration(.insecure)
        try await self.withTLSServer { server in
            let dave = try await ChatTestClient.connect(server, name: "dave", room: "lobby", configuration: configuration)
            try dave.send(.say(room: "lobby", content: "anyone?", id: "1"))
            let echoed = try await dave.next { frame -> String? in
                if case .message(let message) = frame { return message.content } else { return nil }
            }
            XCTAssertEqual(echoed, "anyone?")
            await dave.close()
        }
    }

    func testAClientThatDoesNotTrustTheCertificateFailsWithACertificateError() async throws {
        let configuration = try self.clientConfiguration(.systemRoots)
        try await self.withTLSServer { server in
            do {
                _ = try await WebSocketClient.connect(to: server.url + "?name=eve", configuration: configuration)
                XCTFail("connected to a server whose certificate is not trusted")
            } catch let error as WebSocketClientError {
                guard case .tlsHandshakeFailed(let url, let reason) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(url, server.url + "?name=eve")
                XCTAssertTrue(reason.contains("certificate verify failed"), reason)
                XCTAssertTrue("\(error)".contains("TLS handshake failed: certificate verify failed"), "\(error)")
            }
        }
    }

    func testAPlaintextClientToATLSServerFailsCleanly() async throws {
        try await self.withTLSServer { server in
            let plaintextURL = server.url.replacingOccurrences(of: "wss://", with: "ws://") + "?name=mallory"
            var configuration = ClientConfiguration()
            configuration.connectTimeout = .seconds(5)
            do {
                _ = try await WebSocketClient.connect(to: plaintextURL, configuration: configuration)
                XCTFail("a plaintext client completed a handshake with a TLS server")
            } catch let error as WebSocketClientError {
                guard case .handshakeFailed = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testATLSClientToAPlaintextServerFailsWithATLSError() async throws {
        let configuration = try self.clientConfiguration(.insecure)
        try await withServer { server in
            let secureURL = server.url.replacingOccurrences(of: "ws://", with: "wss://") + "?name=trent"
            do {
                _ = try await WebSocketClient.connect(to: secureURL, configuration: configuration)
                XCTFail("a TLS handshake succeeded against a plaintext server")
            } catch let error as WebSocketClientError {
                guard case .tlsHandshakeFailed = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testWSSWithoutATLSProviderIsAClearErrorNotPlaintext() async throws {
        try await self.withTLSServer { server in
            do {
                _ = try await WebSocketClient.connect(to: server.url + "?name=oscar")
                XCTFail("connected without TLS")
            } catch let error as WebSocketClientError {
                XCTAssertEqual(error, .tlsNotConfigured(server.url + "?name=oscar"))
                XCTAssertTrue("\(error)".contains("no TLS provider"), "\(error)")
            }
        }
    }

    func testWSSURLsDefaultToPort443() throws {
        let url = try WebSocketURL("wss://chat.example.com/ws?name=a")
        XCTAssertTrue(url.isSecure)
        XCTAssertEqual(url.port, 443)
        XCTAssertEqual(url.hostHeader, "chat.example.com")
        XCTAssertEqual(url.tlsServerHostname, "chat.example.com")
        XCTAssertEqual(try WebSocketURL("wss://chat.example.com:8443/").hostHeader, "chat.example.com:8443")
        XCTAssertEqual(try WebSocketURL("WSS://127.0.0.1/ws").tlsServerHostname, nil)
        XCTAssertEqual(try WebSocketURL("wss://[::1]:9443/ws").tlsServerHostname, nil)
        XCTAssertFalse(try WebSocketURL("ws://chat.example.com/ws").isSecure)
    }

    func testUnusableFilesAreNamedInTheError() throws {
        let certificate = try XCTUnwrap(self.certificate)
        XCTAssertThrowsError(
            try NIOSSLServerTLS(certificateChainFile: "/nonexistent/server.crt", privateKeyFile: certificate.keyPath)
        ) { error in
            XCTAssertEqual("\(error)", "/nonexistent/server.crt: no such file")
        }
        // The key where the certificate should be, and the other way round.
        XCTAssertThrowsError(
            try NIOSSLServerTLS(certificateChainFile: certificate.keyPath, privateKeyFile: certificate.keyPath)
        ) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(certificate.keyPath): no PEM certificate"), "\(error)")
        }
        XCTAssertThrowsError(
            try NIOSSLServerTLS(
                certificateChainFile: certificate.certificatePath, privateKeyFile: certificate.certificatePath)
        ) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(certificate.certificatePath): no usable PEM private key"), "\(error)")
        }
        XCTAssertThrowsError(try NIOSSLClientTLS(trust: .caFile(certificate.directory.path))) { error in
            XCTAssertEqual("\(error)", "\(certificate.directory.path): is a directory, not a file")
        }
    }

    func testALoadRunAgainstAWSSTargetPassesAndABadCertificateIsUnreachable() async throws {
        let certificate = try XCTUnwrap(self.certificate)
        let scenario = try ScenarioParser.parse(Data(Self.tinyScenario.utf8))
        try await self.withTLSServer { server in
            var options = LoadRunOptions(target: server.url, threads: 1)
            options.tls = try NIOSSLClientTLS(trust: .caFile(certificate.certificatePath))
            let report = try await LoadRunner.run(scenario, options: options)
            XCTAssertTrue(report.passed, report.summaryText(colour: false))
            XCTAssertEqual(report.counters["delivery.lost"], 0)
            XCTAssertGreaterThan(report.counters["delivery.expected"] ?? 0, 0)

            options.tls = try NIOSSLClientTLS(trust: .systemRoots)
            do {
                _ = try await LoadRunner.run(scenario, options: options)
                XCTFail("a run started against an untrusted certificate")
            } catch let error as LoadRunError {
                guard case .targetUnreachable(_, let reason) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(reason.hasPrefix("TLS handshake failed: certificate verify failed"), reason)
            }

            options.tls = nil
            do {
                _ = try await LoadRunner.run(scenario, options: options)
                XCTFail("a wss:// run started without TLS")
            } catch let error as LoadRunError {
                guard case .invalid(let message) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("no TLS provider"), message)
            }
        }
    }

    /// Three users in one room, a second of broadcasts.
    static let tinyScenario = """
        {"name": "tls", "seed": 1, "groups": [{"count": 3, "rooms": ["lobby"]}],
         "phases": [{"type": "arrivals", "duration": "1s", "rate": "20/s"}],
         "thresholds": {"delivery.expected": "> 0", "delivery.lost": "== 0"}}
        """
}
