import ArgumentParser
import ChatKit
import Foundation
import NIOConcurrencyHelpers

/// `chatctl bot`: answer messages with a shell command or pattern rules.
struct BotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot",
        abstract: "Answer messages addressed to the bot with a shell command or pattern rules.",
        discussion: """
            A message is addressed to the bot when it mentions it (@NAME in a room message) or whispers to it.
            --exec runs CMD with /bin/sh for each one: the message text on stdin; CHAT_FROM, CHAT_ROOM (empty for
            whispers), CHAT_KIND (message or whisper) and CHAT_BOT in the environment. What CMD prints is sent
            back: to the room for a mention, as a whisper for a whisper. Nothing printed, a non-zero exit or the
            --exec-timeout means no answer (reported on stderr). --rules FILE answers from pattern rules first:
            a JSON array of {"match": "regex", "reply": "text with $1, {from}, {room}"}.
            Runs until SIGINT/SIGTERM (exit 0) or until the server closes the connection (exit 1).

            Examples:
              chatctl bot --room lobby --as helper --exec 'tr a-z A-Z'
              chatctl bot --room ops --as oncall --exec './answer.py'
              chatctl bot --room lobby --as echo --rules rules.json
              chatctl bot --room lobby --as echo --rules rules.json wss://chat.example.com/ws
            """
    )

    @OptionGroup var connection: ChatConnectionOptions

    @Option(help: "Room to serve.")
    var room: String

    @Option(help: ArgumentHelp("Shell command that answers each message (stdin: the message).", valueName: "CMD"))
    var exec: String?

    @Option(help: "JSON file of pattern → reply rules.")
    var rules: String?

    @Option(help: "Seconds --exec may run for one message.")
    var execTimeout: Double = 10

    func validate() throws {
        guard self.exec != nil || self.rules != nil else { throw ValidationError("give --exec CMD or --rules FILE (or both)") }
        guard self.connection.wireProtocol == .chat else { throw ValidationError("bot needs --protocol chat") }
        if let problem = NameRules.roomNameProblem(self.room) { throw ValidationError("--room: \(problem)") }
        guard self.execTimeout > 0 else { throw ValidationError("--exec-timeout must be positive") }
    }

    func run() async throws {
        let rules: BotRules?
        do { rules = try self.rules.map(BotRules.load) } catch {
            Console.error("chatctl bot: \(error)")
            throw ExitCode(2)
        }
        let name = self.connection.resolvedName(prefix: "bot")
        let client = try await self.connection.connect(name: name, room: self.room)
        Console.error("chatctl bot: \(name) serving room \(self.room)")
        let events = EventQueue.pumping(client)
        let stopped = NIOLockedValueBox(false)
        let stop = Task {
            _ = await TerminationSignals.wait()
            stopped.withLockedValue { $0 = true }
        }
        defer { stop.cancel() }
        while !stopped.withLockedValue({ $0 }) {
            guard let event = await events.next(timeout: .milliseconds(200)) else { continue }
            switch event {
            case .text(let text):
                guard let frame = try? ServerFrame.decode(text), let request = Self.request(in: frame, bot: name) else {
                    continue
                }
                if let reply = await self.answer(request, rules: rules, bot: name) {
                    let answer: ClientFrame = request.room.map { .say(room: $0, content: reply, id: nil) }
                        ?? .whisper(to: request.from, content: reply, id: nil)
                    try? client.send(text: answer.encoded())
                }
            case .binary:
                continue
            case .closed(let code, let reason):
                Console.error("chatctl bot: connection closed by the server: \(code) \(reason)")
                throw ExitCode(1)
            }
        }
        await client.close(code: WebSocketCloseCode.goingAway, reason: "bot stopped")
    }

    struct Request {
        var from: String
        /// The room of a mention; `nil` for a whisper.
        var room: String?
        var content: String
    }

    /// The request in `frame`, if it is a mention of the bot or a whisper to it from someone else.
    static func request(in frame: ServerFrame, bot: String) -> Request? {
        switch frame {
        case .message(let message) where message.from != bot && message.content.contains("@\(bot)"):
            return Request(from: message.from, room: message.room, content: message.content)
        case .whisper(let whisper) where whisper.to == bot && whisper.from != bot:
            return Request(from: whisper.from, room: nil, content: whisper.content)
        default:
            return nil
        }
    }

    private func answer(_ request: Request, rules: BotRules?, bot: String) async -> String? {
        if let reply = rules?.reply(to: request.content, from: request.from, room: request.room) { return reply }
        guard let command = self.exec else { return nil }
        let output = await ShellCommandRunner.run(
            command, input: request.content + "\n",
            environment: [
                "CHAT_FROM": request.from, "CHAT_ROOM": request.room ?? "", "CHAT_KIND": request.room == nil ? "whisper" : "message",
                "CHAT_BOT": bot,
            ],
            timeoutSeconds: self.execTimeout)
        if output.timedOut {
            Console.error("chatctl bot: --exec took longer than \(self.execTimeout)s for a message from \(request.from)")
            return nil
        }
        guard output.status == 0 else {
            Console.error("chatctl bot: --exec exited \(output.status): \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return nil
        }
        let reply = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return reply.isEmpty ? nil : reply
    }
}
