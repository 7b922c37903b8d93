import ArgumentParser
import ChatKit
import Foundation

@main
struct ChatctlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatctl",
        abstract: "A scriptable chat bot and load tester for WebSocket chat servers.",
        discussion: """
            Commands:
              run       load-test a chat server with a JSON scenario (docs/scenarios.md)
              report    print a saved report, export it as HTML or JUnit XML, merge shards' reports
              send      send each line of stdin to a room or a user
              listen    print a room, one line per message (or JSON lines)
              bot       answer messages with a shell command or pattern rules
              health    is the server healthy?
              admin     rooms, users, kick, announce, stats through the admin API
              autobahn  run an Autobahn|Testsuite fuzzing server's cases with ChatKit's client

            Exit status: 0 success, 1 a threshold failed or the server answered with an error (or is not \
            healthy), 2 bad usage or an invalid scenario, 3 the server is unreachable.
            Colour: only on a terminal, and never when NO_COLOR is set.

            Examples:
              chatctl run scenarios/smoke.json --out report.json
              chatctl report report.json --html report.html
              echo "deploy finished" | chatctl send --room ops
              chatctl health ws://127.0.0.1:8080/ws
              chatctl --generate-completion-script bash > /etc/bash_completion.d/chatctl
            """,
        version: ChatKitVersion.current,
        subcommands: [
            RunCommand.self, ReportCommand.self, SendCommand.self, ListenCommand.self, BotCommand.self,
            HealthCommand.self, AdminCommand.self, AutobahnCommand.self, BotRulesWorkerCommand.self,
        ]
    )

    /// ArgumentParser's `main`, except that usage errors exit with 2 instead of EX_USAGE (64), so that
    /// every chatctl failure has one of the documented statuses.
    static func main() async {
        do {
            var command = try await Self.asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard Self.exitCode(for: error) == .validationFailure else { Self.exit(withError: error) }
            Console.error(Self.fullMessage(for: error))
            Foundation.exit(ChatctlExitCode.usage.rawValue)
        }
    }
}
