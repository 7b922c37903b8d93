import ArgumentParser
import ChatKit
import Foundation

/// `chatctl send`: pipe lines from a shell into a room (or to one user).
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send each line of stdin to a room, or to one user with --to.",
        discussion: """
            Every line becomes one message and chatctl waits for the server to echo it back before sending the
            next, so when `send` exits 0 every line was accepted. Empty lines are skipped.
            Exit status: 0 all lines accepted; 1 a line was refused (the error is printed) or not confirmed in
            time, or the server refused the connection; 2 bad usage; 3 the server is unreachable.
            With --json each line is a raw protocol frame (docs/protocol.md), sent as it is; when it has an
            "id", chatctl waits for the server's answer to it. With --protocol raw each line is a plain text
            frame and its echo is the broadcast copy the sender receives.

            Examples:
              echo "deploy finished" | chatctl send --room ops
              tail -f app.log | chatctl send --room logs --as logbot ws://chat.internal:8080/ws
              echo "psst" | chatctl send --to alice
              echo "hello" | chatctl send --room ops wss://chat.example.com/ws
              echo "test" | chatctl send --room ops wss://127.0.0.1:8443/ws --ca-file server.crt
              echo '{"type":"users","room":"ops","id":"u1"}' | chatctl send --json --room ops
            """
    )

    @OptionGroup var connection: ChatConnectionOptions

    @Option(help: "Room to send to (joined on connect).")
    var room: String?

    @Option(help: "Whisper each line to this user instead of saying it in the room.")
    var to: String?

    @Flag(help: "Each line is a raw protocol frame in JSON.")
    var json = false

    @Option(help: "Seconds to wait for each line's echo.")
    var timeout: Double = 10

    func validate() throws {
        if self.connection.wireProtocol == .chat && self.room == nil && self.to == nil && !self.json {
            throw ValidationError("give --room (say in a room) or --to (whisper to a user)")
        }
        if let room = self.room, let problem = NameRules.roomNameProblem(room) {
            throw ValidationError("--room: \(problem)")
        }
        guard self.timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let name = self.connection.resolvedName(prefix: "send")
        let client = try await self.connection.connect(name: name, room: self.room)
        let events = EventQueue.pumping(client)
        var failed = false
        var number = 0
        for await line in LineReader().stream {
            guard !line.isEmpty else { continue }
            number += 1
            let id = "send-\(number)"
            let text: String
            var awaited: String?
            switch (self.connection.wireProtocol, self.json) {
            case (.raw, _), (.json, _), (.socketio, _):
                text = line
                awaited = line
            case (.chat, true):
                text = line
                awaited = Self.id(ofJSONFrame: line)
            case (.chat, false):
                if let to = self.to {
                    text = ClientFrame.whisper(to: to, content: line, id: id).encoded()
                } else {
                    text = ClientFrame.say(room: self.room ?? "", content: line, id: id).encoded()
                }
                awaited = id
            }
            do {
                try client.send(text: text)
            } catch {
                Console.error("chatctl: line \(number): \(error)")
                failed = true
                break
            }
            guard let awaited else { continue }
            switch await Self.waitForEcho(
                of: awaited, raw: self.connection.wireProtocol == .raw, events: events, timeout: self.timeout)
            {
            case .accepted(let frameText):
                if self.json, let frameText { StandardOutput.line(frameText) }
            case .refused(let message):
                Console.error("chatctl: line \(number) refused: \(message)")
                failed = true
            case .closed(let message):
                Console.error("chatctl: line \(number): connection closed: \(message)")
                throw ChatctlExitCode.failed
            case .timedOut:
                Console.error("chatctl: line \(number): no echo within \(self.timeout)s")
                failed = true
            }
        }
        await client.close()
        if failed { throw ChatctlExitCode.failed }
    }

    private enum EchoOutcome {
        case accepted(String?)
        case refused(String)
        case closed(String)
        case timedOut
    }

    /// Reads frames until the one that answers `id` (or, raw, equals the sent text).
    private static func waitForEcho(
        of awaited: String, raw: Bool, events: EventQueue, timeout: Double
    ) async -> EchoOutcome {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            guard let event = await events.next(timeout: deadline - .now) else { return .timedOut }
            switch event {
            case .text(let text):
                if raw {
                    if text == awaited { return .accepted(nil) }
                    continue
                }
                guard let frame = try? ServerFrame.decode(text) else { continue }
                switch frame {
                case .error(let code, let message, let id) where id == awaited:
                    return .refused("\(code): \(message)")
                case .message(let message) where message.id == awaited:
                    return .accepted(text)
                case .whisper(let whisper) where whisper.id == awaited:
                    return .accepted(text)
                case .joined(_, _, _, let id, _, _, _) where id == awaited, .left(_, _, let id) where id == awaited,
                    .users(_, _, let id, _) where id == awaited, .history(_, _, let id) where id == awaited:
                    return .accepted(text)
                default:
                    continue
                }
            case .binary:
                continue
            case .closed(let code, let reason):
                return .closed("\(code) \(reason)")
            }
        }
        return .timedOut
    }

    private static func id(ofJSONFrame line: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return object["id"] as? String
    }
}
