import ChatKit
import ChatKitTestSupport
import Foundation
import NIOCore
import XCTest

/// ChatKit against WebSocket code no one here wrote: Python's `websockets`, as client and as server.
final class InteropTests: XCTestCase {
    func testPythonWebsocketsClientSpeaksTheChatProtocol() async throws {
        try await withServer { server in
            let child = try ChildProcess(
                try RepositoryPaths.python(), [RepositoryPaths.interopScript("websockets_chat_client.py"), server.url])
            let status = try await child.wait()
            XCTAssertEqual(status, 0, child.stderr)
            let seen = try JSONSerialization.jsonObject(with: Data(child.stdout.utf8)) as? [String: Any] ?? [:]
            func frame(_ key: String) -> [String: Any] { seen[key] as? [String: Any] ?? [:] }

            XCTAssertEqual(frame("alice_welcome")["type"] as? String, "welcome")
            XCTAssertEqual(frame("bob_joined")["id"] as? String, "j1")
            XCTAssertEqual(frame("alice_presence")["name"] as? String, "bob")
            XCTAssertEqual(frame("alice_echo")["content"] as? String, "héllo 👋")
            XCTAssertEqual(frame("bob_message")["seq"] as? Int, 1)
            XCTAssertEqual(frame("bob_message")["content"] as? String, "héllo 👋")
            XCTAssertEqual(frame("alice_whisper")["content"] as? String, "psst")
            XCTAssertEqual(frame("bob_whisper_echo")["to"] as? String, "alice")
            XCTAssertEqual(frame("bob_users")["names"] as? [String], ["alice", "bob"])
            XCTAssertEqual(frame("bob_error")["code"] as? String, "bad_json")
            XCTAssertEqual(frame("duplicate")["status"] as? Int, 409)
            XCTAssertEqual((frame("duplicate")["body"] as? [String: Any])?["error"] as? String, "name_taken")
            XCTAssertEqual(frame("alice_bob_left")["event"] as? String, "leave")
            XCTAssertEqual(seen["alice_close_code"] as? Int, 4000)
        }
    }

    func testClientAgainstPythonServerWithSubprotocolAndCustomHeaders() async throws {
        let echo = try ChildProcess(try RepositoryPaths.python(), [RepositoryPaths.interopScript("websockets_echo_server.py")])
        defer { echo.terminate() }
        let port = try await echo.firstLine()
        var configuration = ClientConfiguration()
        configuration.subprotocols = ["chat.v2", "chat.v1"]
        configuration.headers = [("X-Load-Test", "run-42")]
        let client = try await WebSocketClient.connect(to: "ws://127.0.0.1:\(port)/echo?x=1", configuration: configuration)
        XCTAssertEqual(client.subprotocol, "chat.v1")
        var events = client.events.makeAsyncIterator()

        try client.send(text: "headers")
        guard case .text(let headersJSON) = await events.next() else { return XCTFail("no headers") }
        let headers = try JSONSerialization.jsonObject(with: Data(headersJSON.utf8)) as? [String: String] ?? [:]
        XCTAssertEqual(headers["X-Load-Test"], "run-42")
        XCTAssertEqual(headers["Sec-WebSocket-Protocol"], "chat.v2, chat.v1")

        // A large message goes out fragment-free and masked; the echo proves the server unmasked it.
        let big = String(repeating: "0123456789", count: 5000)
        try client.send(text: big)
        let echoed = await events.next()
        XCTAssertEqual(echoed, .text(big))
        try client.send(binary: ByteBuffer(bytes: [0, 1, 2, 255]))
        let echoedBinary = await events.next()
        XCTAssertEqual(echoedBinary, .binary(ByteBuffer(bytes: [0, 1, 2, 255])))

        await client.close(code: 1000, reason: "bye")
        guard case .closed(let code, _) = await events.next() else { return XCTFail("no close") }
        XCTAssertEqual(code, 1000)
        echo.closeStdin()
        try await echo.wait()
    }
}
