import ChatKit
import ChatKitTestSupport
import Foundation
import XCTest

/// `chatctl bot` as a real child process: what counts as a mention, bots that do not answer each other, a
/// reply limit, and rules that cannot freeze it.
final class ChatctlBotTests: XCTestCase {
    private func bot(_ arguments: [String], _ server: ChatServer) throws -> ChildProcess {
        try ChildProcess(try RepositoryPaths.binary("chatctl"), ["bot", "--room", "lobby"] + arguments + [server.url])
    }

    /// Room messages from `name` that `client` receives until `deadline`.
    private func messages(from names: Set<String>, to client: ChatTestClient, until deadline: Duration) async -> [ChatMessage] {
        var found: [ChatMessage] = []
        let end = ContinuousClock.now + deadline
        while let event = await client.inbox.take(by: end) {
            if case .text(let text) = event, case .message(let message) = try? ServerFrame.decode(text),
               names.contains(message.from) {
                found.append(message)
            }
        }
        return found
    }

    func testAMentionIsTheNameAsAWholeWord() async throws {
        try await withServer { server in
            let helper = try self.bot(["--as", "helper", "--exec", "cat"], server)
            defer { helper.terminate() }
            try await eventually("bot joined") { server.hub.memberDetails(room: "lobby")?.map(\.name) == ["helper"] }
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let table: [(String, Bool)] = [
                ("@helper hi", true),
                ("hi @helper", true),
                ("@helper, can you", true),
                ("ask (@helper)", true),
                ("thanks @helper.", true),
                ("mail x@helper.com", false),
                ("@helpers unite", false),
                ("@helper.com is down", false),
                ("@helper-bot go", false),
                ("@helper_2 go", false),
                ("@@helper twice", false),
                ("helper without at", false),
            ]
            for (text, _) in table { try alice.send(.say(room: "lobby", content: text, id: nil)) }
            try alice.send(.say(room: "lobby", content: "@helper last", id: nil))
            var answered: [String] = []
            let end = ContinuousClock.now + .seconds(30)
            while !answered.contains("@helper last"), let event = await alice.inbox.take(by: end) {
                if case .text(let text) = event, case .message(let message) = try? ServerFrame.decode(text),
                   message.from == "helper" {
                    answered.append(message.content)
                }
            }
            XCTAssertEqual(answered, table.filter(\.1).map(\.0) + ["@helper last"], helper.stderr)
        }
    }

    func testTwoBotsMentionedTogetherAnswerThePersonOnceEach() async throws {
        try await withServer { server in
            let first = try self.bot(["--as", "echo1", "--exec", "cat"], server)
            defer { first.terminate() }
            let second = try self.bot(["--as", "echo2", "--exec", "cat"], server)
            defer { second.terminate() }
            try await eventually("bots joined") { server.hub.memberDetails(room: "lobby")?.count == 2 }
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            try alice.send(.say(room: "lobby", content: "@echo1 @echo2 hello", id: nil))
            // Without the reply id the two would answer each other as fast as they can (hundreds a second).
            let answers = await self.messages(from: ["echo1", "echo2"], to: alice, until: .seconds(2))
            XCTAssertEqual(answers.map(\.from).sorted(), ["echo1", "echo2"], "\(answers.map(\.content))")
            XCTAssertEqual(Set(answers.compactMap(\.id)), ["bot-reply"])
        }
    }

    func testMaxRepliesBoundsTheAnswers() async throws {
        try await withServer { server in
            let helper = try self.bot(["--as", "helper", "--exec", "cat", "--max-replies", "3"], server)
            defer { helper.terminate() }
            try await eventually("bot joined") { server.hub.memberDetails(room: "lobby")?.count == 1 }
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            for index in 1...6 { try alice.send(.say(room: "lobby", content: "@helper \(index)", id: nil)) }
            let answers = await self.messages(from: ["helper"], to: alice, until: .seconds(2))
            XCTAssertEqual(answers.map(\.content), ["@helper 1", "@helper 2", "@helper 3"])
            try await eventually("the limit is logged") { helper.stderr.contains("--max-replies 3 answers in 60s reached") }
        }
    }

    func testACatastrophicRuleIsAbandonedAndTheBotStaysResponsive() async throws {
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).json")
        try Data(#"[{"match": "(.*a){25}", "reply": "never"}, {"match": "ping", "reply": "pong"}]"#.utf8).write(to: rules)
        // 24 a's spread out in a long message: the pattern needs 25, and trying every split takes for ever.
        let catastrophic = "@helper " + String(repeating: "a" + String(repeating: "x", count: 40), count: 24)
        try await withServer { server in
            // 3 s: enough for a rule process to start and match "ping" even under a sanitizer.
            let helper = try self.bot(["--as", "helper", "--rules", rules.path, "--rules-timeout", "3"], server)
            defer { helper.terminate() }
            try await eventually("bot joined") { server.hub.memberDetails(room: "lobby")?.count == 1 }
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            try alice.send(.say(room: "lobby", content: catastrophic, id: nil))
            try alice.send(.say(room: "lobby", content: "@helper ping", id: nil))
            let answer = try await alice.next(timeout: .seconds(30)) { frame -> ChatMessage? in
                if case .message(let message) = frame, message.from == "helper" { return message }
                return nil
            }
            XCTAssertEqual(answer.content, "pong")
            XCTAssertTrue(helper.stderr.contains("rules abandoned for this message"), helper.stderr)

            // SIGTERM while a rule runs (for up to a minute): the bot exits at once and the rule's process is gone.
            let patient = try ChildProcess(try RepositoryPaths.binary("chatctl"), [
                "bot", "--room", "lobby", "--as", "patient", "--rules", rules.path, "--rules-timeout", "60", server.url,
            ])
            defer { patient.terminate() }
            try await eventually("second bot joined") { server.hub.memberDetails(room: "lobby")?.count == 3 }
            try alice.send(.say(room: "lobby", content: catastrophic.replacingOccurrences(of: "@helper", with: "@patient"), id: nil))
            var worker: pid_t?
            try await eventually("the rule runs in a child process", timeout: .seconds(20)) {
                worker = Self.children(of: patient.process.processIdentifier).first
                return worker != nil
            }
            let signalled = ContinuousClock.now
            kill(patient.process.processIdentifier, SIGTERM)
            let status = try await patient.wait(timeout: .seconds(10))
            XCTAssertEqual(status, 0, patient.stderr)
            XCTAssertLessThan(ContinuousClock.now - signalled, .seconds(5))
            if let worker {
                try await eventually("the rule's process is gone") { !Self.isAlive(worker) }
            }
        }
    }

    /// Process ids whose parent is `parent` (from /proc).
    private static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let fields = Self.statFields(pid), fields.count > 1 else { return nil }
            return pid_t(fields[1]) == parent ? pid : nil
        }
    }

    /// Running (not exited, not a zombie).
    private static func isAlive(_ pid: pid_t) -> Bool {
        guard let fields = Self.statFields(pid), let state = fields.first else { return false }
        return state != "Z" && state != "X"
    }

    /// The fields of /proc/PID/stat after the command name: state, ppid, …
    private static func statFields(_ pid: pid_t) -> [String]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").map(String.init)
    }
}
