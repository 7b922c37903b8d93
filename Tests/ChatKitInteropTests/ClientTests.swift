import ChatKit
import ChatKitTestSupport
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import XCTest

/// The ChatKit client's own behaviour: URL parsing, timeouts, refused connections.
final class ClientTests: XCTestCase {
    func testURLParsing() throws {
        let url = try WebSocketURL("ws://127.0.0.1:8080/ws?name=alice")
        XCTAssertEqual(url.host, "127.0.0.1")
        XCTAssertEqual(url.port, 8080)
        XCTAssertEqual(url.requestTarget, "/ws?name=alice")
        XCTAssertEqual(try WebSocketURL("ws://localhost").requestTarget, "/")
        XCTAssertEqual(try WebSocketURL("ws://localhost").port, 80)
        XCTAssertEqual(try WebSocketURL("ws://[::1]:9000?x=1").host, "::1")
        XCTAssertEqual(try WebSocketURL("ws://[::1]:9000?x=1").requestTarget, "/?x=1")
        for bad in ["http://x/ws", "127.0.0.1:80", "ws://:80/", "ws://host:99999/", "ws://host:abc/"] {
            XCTAssertThrowsError(try WebSocketURL(bad), bad) { error in
                guard case WebSocketClientError.invalidURL = error else { return XCTFail("\(bad): \(error)") }
            }
        }
    }

    func testConnectionRefusedNamesTheURL() async throws {
        // Bind and close a port so nothing listens on it.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 1
        try await channel.close()
        do {
            _ = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/ws")
            XCTFail("connected to a closed port")
        } catch let error as WebSocketClientError {
            guard case .unreachable(let url, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(url, "ws://127.0.0.1:\(port)/ws")
            XCTAssertTrue("\(error)".contains("127.0.0.1:\(port)"))
        }
    }

    func testHandshakeThatNeverAnswersTimesOut() async throws {
        // A TCP server that accepts and never answers.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let port = silent.localAddress?.port ?? 1
        var configuration = ClientConfiguration()
        configuration.connectTimeout = .milliseconds(300)
        let started = ContinuousClock.now
        do {
            _ = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/ws", configuration: configuration)
            XCTFail("connected to a silent server")
        } catch let error as WebSocketClientError {
            guard case .connectTimeout = error else { return XCTFail("\(error)") }
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
    }

    func testSendAfterCloseThrows() async throws {
        try await withServer { server in
            let client = try await ChatTestClient.connect(server, name: "closer")
            await client.close()
            XCTAssertThrowsError(try client.send(.join(room: "x", id: nil))) { error in
                XCTAssertEqual(error as? WebSocketClientError, .closed)
            }
        }
    }

    /// A server that drops TCP right after its 101 (kosoku's fuzzing server does so on /updateReports). The
    /// connection ends either way: the handshake fails, or it opens and its events end with 1006. It used to
    /// open and never end when the drop raced the upgrade.
    func testServerDroppingTCPRightAfterThe101EndsTheConnection() async throws {
        let server = try ChildProcess(
            try RepositoryPaths.python(), [RepositoryPaths.interopScript("drop_after_upgrade_server.py")])
        defer { server.terminate() }
        let port = try await server.firstLine()
        for attempt in 0..<20 {
            do {
                let client = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/updateReports")
                let lastEvent = NIOLockedValueBox<WebSocketEvent?>(nil)
                let finished = NIOLockedValueBox(false)
                let reader = Task {
                    for await event in client.events { lastEvent.withLockedValue { $0 = event } }
                    finished.withLockedValue { $0 = true }
                }
                defer { reader.cancel() }
                try await eventually("attempt \(attempt): the events end", timeout: .seconds(5)) {
                    finished.withLockedValue { $0 }
                }
                XCTAssertEqual(lastEvent.withLockedValue { $0 }, .closed(code: 1006, reason: ""))
            } catch WebSocketClientError.handshakeFailed(let why) {
                XCTAssertEqual(why, WebSocketClientError.closedDuringHandshake)
            }
        }
    }

    /// A server whose 101, one text message, its close frame and the end of TCP arrive together (kosoku's
    /// fuzzing server answers `/getCaseCount` so). The client delivers the message, then the close, every time.
    func testAMessageThatArrivesWithThe101AndTheCloseIsDelivered() async throws {
        let server = try ChildProcess(
            try RepositoryPaths.python(), [RepositoryPaths.interopScript("drop_after_upgrade_server.py"), "--answer", "301"])
        defer { server.terminate() }
        let port = try await server.firstLine()
        var outcomes: [String: Int] = [:]
        for _ in 0..<100 {
            let outcome: String
            do {
                let client = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/getCaseCount")
                var events: [WebSocketEvent] = []
                for await event in client.events { events.append(event) }
                outcome = "\(events)"
            } catch {
                outcome = "\(error)"
            }
            outcomes[outcome, default: 0] += 1
        }
        XCTAssertEqual(outcomes, ["[ChatKitWebSocket.WebSocketEvent.text(\"301\"), ChatKitWebSocket.WebSocketEvent.closed(code: 1000, reason: \"\")]": 100])
    }
}
