import ArgumentParser
import ChatKit
import Foundation

/// `chatctl autobahn URL`: ChatKit's client as the client under test of an Autobahn|Testsuite fuzzing server.
struct AutobahnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autobahn",
        abstract: "Run an Autobahn|Testsuite fuzzing server's cases with ChatKit's WebSocket client.",
        discussion: """
            Plays the client role against a fuzzing server (kosoku -m fuzzingserver HOST:PORT, or Autobahn's \
            wstest): asks for the case count (GET /getCaseCount), runs every case (/runCase?case=N&agent=NAME) \
            echoing each message it receives (text as text, binary as binary), then asks the server to write its \
            reports (/updateReports?agent=NAME). The verdicts are in the fuzzing server's reports; this command \
            prints one line per case on stderr (how the server closed, messages echoed) and a count on stdout.

            Exit status: 0 every case ran (whatever the verdicts); 1 the fuzzing server could not be driven \
            (bad answer, a connection refused mid-run); 2 bad usage; 3 the fuzzing server is unreachable.

            Examples:
              kosoku -m fuzzingserver 127.0.0.1:9001 -x '12.*' -x '13.*' &
              chatctl autobahn ws://127.0.0.1:9001
              chatctl autobahn --agent chatkit-dev --case-timeout 30 ws://127.0.0.1:9001
            """
    )

    @Argument(help: "The fuzzing server's WebSocket URL, ws://HOST:PORT.")
    var url: String

    @Option(help: "Agent name the fuzzing server files the results under.")
    var agent = "chatkit"

    @Option(help: ArgumentHelp("Seconds one case may take before it is dropped as timed out.", valueName: "seconds"))
    var caseTimeout: Double = 60

    @Option(help: ArgumentHelp("Seconds to wait for each connection and handshake.", valueName: "seconds"))
    var connectTimeout: Double = 10

    func validate() throws {
        do { _ = try WebSocketURL(self.url) } catch { throw ValidationError("URL: \(error)") }
        guard !self.agent.isEmpty else { throw ValidationError("--agent must not be empty") }
        guard self.caseTimeout > 0, self.caseTimeout.isFinite else {
            throw ValidationError("--case-timeout must be a positive number of seconds")
        }
        guard self.connectTimeout > 0, self.connectTimeout.isFinite else {
            throw ValidationError("--connect-timeout must be a positive number of seconds")
        }
    }

    func run() async throws {
        let driver = AutobahnDriver(
            baseURL: try WebSocketURL(self.url), agent: self.agent,
            caseTimeout: .fromSeconds(self.caseTimeout), connectTimeout: .fromSeconds(self.connectTimeout))
        let count: Int
        do {
            count = try await driver.caseCount()
        } catch let error as AutobahnDriverError {
            Console.error("chatctl: \(error)")
            if case .unreachable = error { throw ChatctlExitCode.unreachable }
            throw ChatctlExitCode.serverError
        }
        do {
            Console.error("chatctl: \(count) cases from \(self.url), agent \(self.agent)")
            var timedOut: [Int] = []
            for number in stride(from: 1, through: count, by: 1) {
                let started = ContinuousClock.now
                let outcome = try await driver.runCase(number)
                if outcome.timedOut { timedOut.append(number) }
                Console.error(AutobahnProgressLine.line(
                    case: number, of: count, outcome: outcome, elapsed: ContinuousClock.now - started))
            }
            try await driver.updateReports()
            let timeouts = timedOut.isEmpty ? "" : "; timed out: " + timedOut.map(String.init).joined(separator: ", ")
            print("ran \(count) cases, agent \(self.agent)\(timeouts); the fuzzing server has written its reports")
        } catch let error as AutobahnDriverError {
            // The fuzzing server answered at first: losing it mid-run means it could not be driven.
            Console.error("chatctl: \(error)")
            throw ChatctlExitCode.serverError
        }
    }
}
