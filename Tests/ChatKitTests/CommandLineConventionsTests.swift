import ChatKit
import Foundation
import XCTest

/// What every command-line tool here owes its users: `--version`, `--help` with examples for every
/// subcommand, and shell completion scripts.
final class CommandLineConventionsTests: XCTestCase {
    private func run(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(try RepositoryPaths.binary(tool), arguments)
        child.closeStdin()
        let status = try await child.wait(timeout: .seconds(30))
        return (status, child.stdout, child.stderr)
    }

    /// Every chatctl command, as the words that name it.
    private let chatctlCommands: [[String]] = [
        [], ["run"], ["report"], ["report", "show"], ["report", "merge"], ["send"], ["listen"], ["bot"], ["health"],
        ["admin"], ["admin", "rooms"], ["admin", "users"], ["admin", "kick"], ["admin", "announce"], ["admin", "stats"],
        ["autobahn"],
    ]

    func testBothToolsPrintTheirVersion() async throws {
        for tool in ["chatctl", "chatserver"] {
            let result = try await self.run(tool, ["--version"])
            XCTAssertEqual(result.status, 0, tool)
            XCTAssertEqual(result.stdout, ChatKitVersion.current + "\n", tool)
        }
    }

    func testEveryCommandsHelpHasExamples() async throws {
        for words in self.chatctlCommands {
            let result = try await self.run("chatctl", words + ["--help"])
            let name = (["chatctl"] + words).joined(separator: " ")
            XCTAssertEqual(result.status, 0, name)
            XCTAssertTrue(result.stdout.contains("Examples:"), "\(name) --help has no examples:\n\(result.stdout)")
            XCTAssertTrue(result.stdout.contains("USAGE: \(name)"), "\(name):\n\(result.stdout)")
        }
        let server = try await self.run("chatserver", ["--help"])
        XCTAssertTrue(server.stdout.contains("Examples:"), server.stdout)
    }

    func testTheHelpOfReportNamesItsOutputs() async throws {
        let result = try await self.run("chatctl", ["report", "show", "--help"])
        for option in ["--html <file>", "--junit <file>", "--threshold <metric op value>"] {
            XCTAssertTrue(result.stdout.contains(option), "\(option) missing:\n\(result.stdout)")
        }
        let run = try await self.run("chatctl", ["run", "--help"])
        for option in ["--live <file>", "--html <file>", "--junit <file>"] {
            XCTAssertTrue(run.stdout.contains(option), "\(option) missing:\n\(run.stdout)")
        }
    }

    func testCompletionScriptsAreGeneratedForEveryShell() async throws {
        for tool in ["chatctl", "chatserver"] {
            for shell in ["bash", "zsh", "fish"] {
                let result = try await self.run(tool, ["--generate-completion-script", shell])
                XCTAssertEqual(result.status, 0, "\(tool) \(shell): \(result.stderr)")
                XCTAssertTrue(result.stdout.contains(tool), "\(tool) \(shell)")
                if tool == "chatctl" { XCTAssertTrue(result.stdout.contains("merge"), "\(shell) completes report merge") }
            }
        }
    }
}
