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
            A message is addressed to the bot when it mentions it (@NAME as a whole word in a room message: \
            "@helper hi" and "hi @helper," do, "x@helper.com" and "@helpers" do not) or whispers to it.
            --exec runs CMD with /bin/sh for each one: the message text on stdin; CHAT_FROM, CHAT_ROOM (empty for
            whispers), CHAT_KIND (message or whisper) and CHAT_BOT in the environment. What CMD prints is sent
            back: to the room for a mention, as a whisper for a whisper. Nothing printed, a non-zero exit or the
            --exec-timeout means no answer (reported on stderr). --rules FILE answers from pattern rules first:
            a JSON array of {"match": "regex", "reply": "text with $1, {from}, {room}"}. The rules run in a child
            process that is killed after --rules-timeout, so a pattern that backtracks for ever cannot stall the
            bot: it logs that the rules were abandoned for that message and goes on (to --exec, if given).

            Bots do not answer bots: every answer goes out with the request id "bot-reply" (visible in \
            `chatctl listen --json`), and a bot never answers a message or whisper carrying that id, so two bots \
            mentioned together each answer the person once and not each other. On top of that, --max-replies \
            bounds the answers in any 60 seconds (default 20); requests beyond it are not answered (logged once \
            a minute).
            Runs until SIGINT/SIGTERM (exit 0, at once, even while a command or rule is running) or until the
            server closes the connection (exit 1).

            Examples:
              chatctl bot --room lobby --as helper --exec 'tr a-z A-Z'
              chatctl bot --room ops --as oncall --exec './answer.py' --max-replies 5
              chatctl bot --room lobby --as echo --rules rules.json
              chatctl bot --room lobby --as echo --rules rules.json wss://chat.example.com/ws
            """
    )

    /// The request id of every answer a bot sends; a bot never answers a frame carrying it.
    static let replyID = "bot-reply"

    @OptionGroup var connection: ChatConnectionOptions

    @Option(help: "Room to serve.")
    var room: String

    @Option(help: ArgumentHelp("Shell command that answers each message (stdin: the message).", valueName: "CMD"))
    var exec: String?

    @Option(help: "JSON file of pattern → reply rules.")
    var rules: String?

    @Option(help: "Seconds --exec may run for one message.")
    var execTimeout: Double = 10

    @Option(help: "Seconds the --rules may take to match one message before they are abandoned for it.")
    var rulesTimeout: Double = 2

    @Option(help: "Most answers in any 60 seconds; requests beyond are not answered.")
    var maxReplies = 20

    func validate() throws {
        guard self.exec != nil || self.rules != nil else { throw ValidationError("give --exec CMD or --rules FILE (or both)") }
        guard self.connection.wireProtocol == .chat else { throw ValidationError("bot needs --protocol chat") }
        if let problem = NameRules.roomNameProblem(self.room) { throw ValidationError("--room: \(problem)") }
        guard self.execTimeout > 0 else { throw ValidationError("--exec-timeout must be positive") }
        guard self.rulesTimeout > 0 else { throw ValidationError("--rules-timeout must be positive") }
        guard self.maxReplies >= 1 else { throw ValidationError("--max-replies must be at least 1") }
    }

    func run() async throws {
        // Checked here, once, for a clear error; each match loads the file again in its child process.
        do { _ = try self.rules.map(BotRules.load) } catch {
            Console.error("chatctl: \(error)")
            throw ChatctlExitCode.usage
        }
        // A --exec command that does not read its stdin must not kill the bot.
        signal(SIGPIPE, SIG_IGN)
        let name = self.connection.resolvedName(prefix: "bot")
        let answerer = BotAnswerer(
            bot: name, exec: self.exec, execTimeout: self.execTimeout, rulesFile: self.rules,
            rulesTimeout: self.rulesTimeout)
        let client = try await self.connection.connect(name: name, room: self.room)
        Console.error("chatctl: bot \(name) serving room \(self.room)")
        let events = EventQueue.pumping(client)
        let stopped = NIOLockedValueBox(false)
        let stop = Task {
            _ = await TerminationSignals.wait()
            stopped.withLockedValue { $0 = true }
        }
        defer { stop.cancel() }
        var limiter = BotReplyLimiter(limit: self.maxReplies)
        while !stopped.withLockedValue({ $0 }) {
            guard let event = await events.next(timeout: .milliseconds(200)) else { continue }
            switch event {
            case .text(let text):
                guard let frame = try? ServerFrame.decode(text), let request = Self.request(in: frame, bot: name) else {
                    continue
                }
                guard limiter.allow() else {
                    if limiter.shouldLogRefusal() {
                        BotAnswerer.log("--max-replies \(self.maxReplies) answers in 60s reached: not answering "
                            + "\(request.from) (logged once a minute)")
                    }
                    continue
                }
                guard let reply = await Self.answerUnlessStopped(request, answerer: answerer, stopped: stopped) else {
                    continue
                }
                let answer: ClientFrame = request.room.map { .say(room: $0, content: reply, id: Self.replyID) }
                    ?? .whisper(to: request.from, content: reply, id: Self.replyID)
                try? client.send(text: answer.encoded())
            case .binary:
                continue
            case .closed(let code, let reason):
                let how = ListenCommand.describeClose(code: code, reason: reason)
                Console.error("chatctl: the connection ended: " + how)
                throw ChatctlExitCode.failed
            }
        }
        await client.close(code: WebSocketCloseCode.goingAway, reason: "bot stopped")
    }

    /// The request in `frame`, if it is a mention of the bot or a whisper to it from someone else that is not
    /// a bot's answer.
    static func request(in frame: ServerFrame, bot: String) -> BotAnswerer.Request? {
        switch frame {
        case .message(let message)
        where message.from != bot && message.id != Self.replyID && BotMention.mentions(message.content, name: bot):
            return BotAnswerer.Request(from: message.from, room: message.room, content: message.content)
        case .whisper(let whisper) where whisper.to == bot && whisper.from != bot && whisper.id != Self.replyID:
            return BotAnswerer.Request(from: whisper.from, room: nil, content: whisper.content)
        default:
            return nil
        }
    }

    /// The answer, or `nil` as soon as SIGINT/SIGTERM arrives (the running command or rule is killed).
    private static func answerUnlessStopped(
        _ request: BotAnswerer.Request, answerer: BotAnswerer, stopped: NIOLockedValueBox<Bool>
    ) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await answerer.answer(request) }
            group.addTask {
                while !Task.isCancelled && !stopped.withLockedValue({ $0 }) {
                    try? await Task.sleep(for: .milliseconds(50))
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
