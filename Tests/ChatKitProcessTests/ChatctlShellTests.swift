import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// `chatctl send`, `listen` and `bot` as real child processes: stdin in, stdout out.
final class ChatctlShellTests: XCTestCase {
    private func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(try RepositoryPaths.binary("chatctl"), arguments)
    }

    func testSendPipesLinesThatListenPrints() async throws {
        try await withServer { server in
            let listener = try self.start(["listen", "--room", "lobby", "--as", "ears", "--count", "3", "--timeout", "30", server.url])
            try await eventually("listener joined") { server.hub.memberDetails(room: "lobby")?.map(\.name) == ["ears"] }

            let sender = try self.start(["send", "--room", "lobby", "--as", "mouth", server.url])
            sender.write("first line\n\nsecond line\nthird: with ünïcödé\n")
            sender.closeStdin()
            let sendStatus = try await sender.wait()
            XCTAssertEqual(sendStatus, 0, sender.stderr)

            let listenStatus = try await listener.wait()
            XCTAssertEqual(listenStatus, 0, listener.stderr)
            XCTAssertEqual(listener.stdout.split(separator: "\n").filter { !$0.contains(" * ") }, [
                "[lobby] mouth: first line", "[lobby] mouth: second line", "[lobby] mouth: third: with ünïcödé",
            ])
        }
    }

    func testListenJSONAndHistory() async throws {
        try await withServer { server in
            let early = try await ChatTestClient.connect(server, name: "early", room: "news")
            try early.send(.say(room: "news", content: "before you came", id: "h1"))
            _ = try await early.next()
            let listener = try self.start(["listen", "--room", "news", "--json", "--count", "1", "--timeout", "30", server.url])
            try await eventually("listener joined") { server.hub.memberDetails(room: "news")?.count == 2 }
            try early.send(.say(room: "news", content: "live", id: "l1"))
            let status = try await listener.wait()
            XCTAssertEqual(status, 0, listener.stderr)
            let frames = try listener.stdout.split(separator: "\n").map { try ServerFrame.decode(String($0)) }
            let contents = frames.compactMap { frame -> String? in
                if case .message(let message) = frame { return message.content }
                return nil
            }
            XCTAssertEqual(contents, ["before you came", "live"])
            // History replayed on join is flagged, so `select(.history != true)` keeps only new messages.
            let lines = listener.stdout.split(separator: "\n").map(String.init)
            let flagged = try lines.filter { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["history"] as? Bool == true
            }
            XCTAssertEqual(flagged.count, 1, listener.stdout)
            XCTAssertTrue(flagged.first?.contains("before you came") ?? false, listener.stdout)
            XCTAssertFalse(lines.contains { $0.contains("\"live\"") && $0.contains("history") }, listener.stdout)
        }
    }

    func testSendReportsARefusedLineAndExitsOne() async throws {
        try await withServer({ $0.maxContentBytes = 10 }) { server in
            let sender = try self.start(["send", "--room", "lobby", server.url])
            sender.write("short\nthis line is far too long\n")
            sender.closeStdin()
            let status = try await sender.wait()
            XCTAssertEqual(status, 1)
            XCTAssertTrue(sender.stderr.contains("line 2 refused: too_long"), sender.stderr)

            let whisper = try self.start(["send", "--to", "nobody", server.url])
            whisper.write("hello?\n")
            whisper.closeStdin()
            let whisperStatus = try await whisper.wait()
            XCTAssertEqual(whisperStatus, 1)
            XCTAssertTrue(whisper.stderr.contains("unknown_user"), whisper.stderr)
        }
    }

    func testSendAndListenExitCodesForUnreachableAndUsage() async throws {
        let unreachable = try self.start(["send", "--room", "x", "ws://127.0.0.1:9/ws"])
        unreachable.closeStdin()
        let unreachableStatus = try await unreachable.wait()
        XCTAssertEqual(unreachableStatus, 3)
        XCTAssertTrue(unreachable.stderr.contains("ws://127.0.0.1:9/ws"), unreachable.stderr)

        let usage = try self.start(["listen"])
        usage.closeStdin()
        let usageStatus = try await usage.wait()
        XCTAssertEqual(usageStatus, 2)
        XCTAssertTrue(usage.stderr.contains("give --room"), usage.stderr)

        try await withServer { server in
            let taken = try await ChatTestClient.connect(server, name: "dup")
            _ = taken
            let listener = try self.start(["listen", "--room", "x", "--as", "dup", server.url])
            let status = try await listener.wait()
            XCTAssertEqual(status, 1)
            XCTAssertTrue(listener.stderr.contains("409"), listener.stderr)
        }
    }

    func testBotAnswersMentionsAndWhispersThroughAShellCommandAndRules() async throws {
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).json")
        try Data(#"[{"match": "ping (\\w+)", "reply": "pong $1 for {from}"}]"#.utf8).write(to: rules)
        try await withServer { server in
            let bot = try self.start([
                "bot", "--room", "lobby", "--as", "helper", "--rules", rules.path,
                "--exec", #"printf '%s from %s in %s' "$(tr a-z A-Z)" "$CHAT_FROM" "${CHAT_ROOM:-whisper}""#, server.url,
            ])
            defer { bot.terminate() }
            try await eventually("bot joined") { server.hub.memberDetails(room: "lobby")?.map(\.name) == ["helper"] }
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")

            try alice.send(.say(room: "lobby", content: "@helper hello there", id: nil))
            let shellReply = try await alice.next { frame -> ChatMessage? in
                if case .message(let message) = frame, message.from == "helper" { return message }
                return nil
            }
            XCTAssertEqual(shellReply.content, "@HELPER HELLO THERE from alice in lobby")

            try alice.send(.say(room: "lobby", content: "@helper ping bob", id: nil))
            let ruleReply = try await alice.next { frame -> ChatMessage? in
                if case .message(let message) = frame, message.from == "helper" { return message }
                return nil
            }
            XCTAssertEqual(ruleReply.content, "pong bob for alice")

            try alice.send(.whisper(to: "helper", content: "secret", id: nil))
            let whisperReply = try await alice.next { frame -> WhisperMessage? in
                if case .whisper(let whisper) = frame, whisper.from == "helper" { return whisper }
                return nil
            }
            XCTAssertEqual(whisperReply.content, "SECRET from alice in whisper")
            XCTAssertEqual(whisperReply.to, "alice")

            // Messages that do not mention the bot get no answer: the next frame alice sees is her own.
            try alice.send(.say(room: "lobby", content: "just chatting", id: "c1"))
            try alice.send(.say(room: "lobby", content: "still chatting", id: "c2"))
            for expected in ["just chatting", "still chatting"] {
                guard case .message(let message) = try await alice.next() else { return XCTFail() }
                XCTAssertEqual(message.content, expected)
            }
        }
    }
}
