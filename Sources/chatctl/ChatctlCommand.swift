import ArgumentParser
import ChatKit

@main
struct ChatctlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatctl",
        abstract: "A scriptable chat bot and load tester for WebSocket chat servers.",
        discussion: "Subcommands (run, send, listen, bot, health, admin) arrive with the chatctl issue.",
        version: ChatKitVersion.current,
        subcommands: [RunCommand.self]
    )
}
