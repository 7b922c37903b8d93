import ArgumentParser
import Foundation

/// `chatctl _bot-rules-match FILE` (hidden): matches one message against `chatctl bot --rules FILE` in a
/// process of its own, so that the bot can kill a rule that runs too long (a regular expression cannot be
/// interrupted). The message comes on stdin, the sender and room in CHAT_FROM and CHAT_ROOM; the reply of
/// the first matching rule goes to stdout (exit 0); no match exits 1, an unreadable file 2.
struct BotRulesWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_bot-rules-match",
        abstract: "Match one message against bot rules (used by chatctl bot).",
        shouldDisplay: false)

    @Argument(help: "The rules file.")
    var rules: String

    func run() throws {
        let rules: BotRules
        do { rules = try BotRules.load(path: self.rules) } catch {
            Console.error("chatctl: \(error)")
            throw ChatctlExitCode.usage
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let environment = ProcessInfo.processInfo.environment
        let room = environment["CHAT_ROOM"].flatMap { $0.isEmpty ? nil : $0 }
        guard let reply = rules.reply(to: String(decoding: input, as: UTF8.self), from: environment["CHAT_FROM"] ?? "",
                                      room: room)
        else { throw ChatctlExitCode.failed }
        FileHandle.standardOutput.write(Data(reply.utf8))
    }
}
