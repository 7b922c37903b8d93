import ArgumentParser
import ChatKit
import Foundation
import NIOConcurrencyHelpers

/// `chatctl listen`: print a room.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Print a room's messages (and whispers to you), one line each.",
        discussion: """
            Prints `[room] name: text` per message, `[whisper] name: text` per whisper, `[room] * name joined`
            per presence change; the room's history is printed first unless --no-history. Control characters,
            bidirectional overrides and embedded line breaks in what others sent (text, names, rooms) are shown
            escaped (`\\u001b`, `\\n`), so each message is exactly one line and cannot act on the terminal.
            With --json every frame the server sends is printed as one JSON line (for jq); the history replayed on
            join comes as `message` lines that also carry `"history": true`. Runs until the server closes the
            connection, SIGINT/SIGTERM, --count messages, or --timeout.
            Exit status: 0 done (--count messages arrived, SIGINT/SIGTERM, or without --count the server ended
            the connection normally with 1000 or 1001); 1 the connection was refused, or the server closed it
            (any code, with --count) or it dropped before --count messages arrived (the message on stderr gives
            the close code and reason), or --timeout passed first; 2 bad usage; 3 the server is unreachable.

            Examples:
              chatctl listen --room lobby
              chatctl listen --room lobby --json | jq -r 'select(.type=="message") | .content'
              chatctl listen --room lobby --json | jq -r 'select(.type=="message" and .history != true) | .content'
              chatctl listen --room ci --count 1 --timeout 30   # wait for one message
              chatctl listen --room lobby wss://127.0.0.1:8443/ws --insecure   # a self-signed test server
            """
    )

    @OptionGroup var connection: ChatConnectionOptions

    @Option(help: "Room to listen to.")
    var room: String?

    @Flag(help: "Print every frame as a JSON line.")
    var json = false

    @Option(help: "Exit after this many messages or whispers (history not counted).")
    var count: Int?

    @Option(help: "Exit after this many seconds.")
    var timeout: Double?

    @Flag(help: "Do not print the history replayed on join.")
    var noHistory = false

    func validate() throws {
        if self.connection.wireProtocol == .chat && self.room == nil {
            throw ValidationError("give --room")
        }
        if let room = self.room, let problem = NameRules.roomNameProblem(room) {
            throw ValidationError("--room: \(problem)")
        }
        if let count = self.count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let timeout = self.timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let name = self.connection.resolvedName(prefix: "listen")
        let client = try await self.connection.connect(name: name, room: self.room)
        let events = EventQueue.pumping(client)
        let deadline = self.timeout.map { ContinuousClock.now + .seconds($0) }
        let stopped = NIOLockedValueBox(false)
        let stop = Task {
            _ = await TerminationSignals.wait()
            stopped.withLockedValue { $0 = true }
        }
        var received = 0
        var failed = false
        loop: while true {
            if stopped.withLockedValue({ $0 }) { break }
            if let deadline, ContinuousClock.now >= deadline {
                if let count = self.count {
                    let seconds = String(format: "%g", self.timeout ?? 0)
                    Console.error("chatctl: --timeout \(seconds)s passed after \(received) of \(count) messages")
                    failed = true
                }
                break
            }
            let wait: Duration = deadline.map { min($0 - .now, .milliseconds(200)) } ?? .milliseconds(200)
            guard let event = await events.next(timeout: wait) else { continue }
            switch event {
            case .text(let text):
                received += self.print(text, me: name)
                if let count = self.count, received >= count { break loop }
            case .binary(let data):
                if self.json { StandardOutput.line("{\"binary\":\(data.readableBytes)}") }
            case .closed(let code, let reason):
                // The server ending the conversation (1000, or 1001 when it shuts down) is the end of input
                // unless --count messages were still to come; anything else (kicked, dropped) is a failure.
                let normal = code == WebSocketCloseCode.normal || code == WebSocketCloseCode.goingAway
                if let count = self.count, received < count {
                    Console.error("chatctl: the connection ended after \(received) of \(count) messages: "
                        + Self.describeClose(code: code, reason: reason))
                    failed = true
                } else if !normal {
                    Console.error("chatctl: the connection ended: " + Self.describeClose(code: code, reason: reason))
                    failed = true
                }
                break loop
            }
        }
        stop.cancel()
        await client.close()
        if failed { throw ChatctlExitCode.failed }
    }

    /// How a connection ended, made safe to print: `the server closed it with 1001 (server shutting down)`, or
    /// `it dropped without a close frame (1006)`.
    static func describeClose(code: UInt16, reason: String) -> String {
        if code == 1006 { return "it dropped without a close frame (1006)" }
        return "the server closed it with \(code)" + (reason.isEmpty ? "" : " (\(TerminalText.escape(reason)))")
    }

    /// Prints a frame; returns 1 when it counts towards --count.
    private func print(_ text: String, me: String) -> Int {
        guard self.connection.wireProtocol == .chat else {
            StandardOutput.line(TerminalText.escape(text))
            return 1
        }
        guard let frame = try? ServerFrame.decode(text) else {
            StandardOutput.line(TerminalText.escape(text))
            return 0
        }
        if case .history(_, let messages, _) = frame {
            if !self.noHistory {
                for message in messages {
                    if self.json {
                        StandardOutput.line(Self.markedAsHistory(ServerFrame.message(message).encoded()))
                    } else if let line = FrameFormatter.line(.message(message), me: me) {
                        StandardOutput.line(TerminalText.escape(line))
                    }
                }
            }
            return 0
        }
        if self.json {
            // JSON escapes line breaks inside strings; only whitespace between tokens can break a line, and the
            // frame encoded again has none.
            let breaksLine = text.utf8.contains(UInt8(ascii: "\n")) || text.utf8.contains(UInt8(ascii: "\r"))
            StandardOutput.line(breaksLine ? frame.encoded() : text)
        } else if let line = FrameFormatter.line(frame, me: me) {
            StandardOutput.line(TerminalText.escape(line))
        }
        switch frame {
        case .message, .whisper: return 1
        default: return 0
        }
    }

    /// A `message` frame's JSON object with `"history":true` added, for the history replayed on join.
    static func markedAsHistory(_ object: String) -> String {
        guard object.hasSuffix("}"), object.count > 2 else { return object }
        return String(object.dropLast()) + ",\"history\":true}"
    }
}
