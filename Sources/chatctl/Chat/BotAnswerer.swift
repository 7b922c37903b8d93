import ChatKit
import Foundation

/// How `chatctl bot` finds the answer to one request: its `--rules` (each match run in a child process with a
/// time limit), then its `--exec` command. Problems are logged on stderr, one escaped line each.
struct BotAnswerer: Sendable {
    /// One message addressed to the bot.
    struct Request: Sendable {
        var from: String
        /// The room of a mention; `nil` for a whisper.
        var room: String?
        var content: String
    }

    var bot: String
    var exec: String?
    var execTimeout: Double
    var rulesFile: String?
    var rulesTimeout: Double

    /// The answer to `request`, or `nil` for none.
    func answer(_ request: Request) async -> String? {
        let environment = [
            "CHAT_FROM": request.from, "CHAT_ROOM": request.room ?? "",
            "CHAT_KIND": request.room == nil ? "whisper" : "message", "CHAT_BOT": self.bot,
        ]
        if let rulesFile = self.rulesFile, let reply = await self.ruleReply(request, rulesFile, environment) {
            return reply
        }
        guard let command = self.exec else { return nil }
        let output = await ShellCommandRunner.run(
            command, input: request.content + "\n", environment: environment, timeoutSeconds: self.execTimeout)
        if Task.isCancelled { return nil }
        if output.timedOut {
            Self.log("--exec took longer than \(Self.seconds(self.execTimeout)) for a message from \(request.from)")
            return nil
        }
        guard output.status == 0 else {
            Self.log("--exec exited \(output.status): \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return nil
        }
        let reply = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return reply.isEmpty ? nil : reply
    }

    private func ruleReply(_ request: Request, _ rulesFile: String, _ environment: [String: String]) async -> String? {
        let output = await ShellCommandRunner.run(
            program: Self.chatctlExecutable, arguments: ["_bot-rules-match", rulesFile], input: request.content,
            environment: environment, timeoutSeconds: self.rulesTimeout)
        if Task.isCancelled { return nil }
        if output.timedOut {
            Self.log("--rules: matching a message from \(request.from) took longer than "
                + "\(Self.seconds(self.rulesTimeout)) (--rules-timeout): rules abandoned for this message")
            return nil
        }
        switch output.status {
        case 0: return output.stdout.isEmpty ? nil : output.stdout
        case 1: return nil
        default:
            Self.log("--rules: \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return nil
        }
    }

    /// This chatctl binary, which runs the rules in a child process.
    private static let chatctlExecutable: URL =
        Bundle.main.executableURL ?? URL(fileURLWithPath: "/proc/self/exe")

    private static func seconds(_ value: Double) -> String { String(format: "%gs", value) }

    /// One `chatctl: ` line on stderr, with what came from others escaped.
    static func log(_ text: String) {
        Console.error("chatctl: " + TerminalText.escape(text))
    }
}
