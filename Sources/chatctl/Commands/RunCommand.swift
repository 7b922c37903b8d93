import ArgumentParser
import ChatKit
import ChatKitLoad
import Foundation

/// `chatctl run SCENARIO`: the load test.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a load-test scenario and check its thresholds.",
        discussion: """
            Spawns the scenario's simulated users, plays its phases, checks that every message reached every
            member exactly once and in order, measures latency, prints a summary and exits:
              0  every run check and threshold passed
              1  a threshold or a built-in run check failed
              2  bad usage or an invalid scenario (nothing connected), or an output file could not be written
              3  the target is unreachable (a failed TLS handshake included), or unusable: no connection could
                 be made, or every upgrade was refused (HTTP 404 from a wrong path, …)
              130  interrupted by SIGINT (143: by SIGTERM): sending stops, messages in flight get up to 2 s
                   (a second signal ends that at once), then the summary and every output are still written,
                   marked interrupted; an interrupted run never passes

            Built-in run checks apply to every run, on top of the scenario's thresholds: every user
            connected, no user lost its connection, no send failed, every planned send went out, every script
            ran to its end, and the drain finished with nothing outstanding. A scenario that expects faults
            allows some in its "tolerate" block. Failed connections, lost connections and failed sends are
            counted by cause (an HTTP status and reason, a close code and reason, a TCP error).

            Output files (--out, --html, --junit, --live) are checked before anything connects (exit 2 naming the
            flag: a missing directory, a directory, two flags on one file) and written whole: a temporary file in
            the same directory, renamed into place.

            With no target (neither --target nor "target" in the scenario) it starts an embedded ChatKit server
            on a free loopback port and says so. Latency of planned sends is measured from their planned time
            (coordinated-omission correction), and again from the moment each send actually went out (the
            "from send" rows, latency.broadcast.fromSend.p99 etc.): when only the first is high, chatctl fell
            behind, not the server. A WARNING line says so when more than 1% of sends were late, a send lagged
            more than --late-threshold, or chatctl's CPU was saturated (generator.lateRatio, generator.maxLag,
            generator.cpuUtilization). Scenario format: docs/scenarios.md.
            Outputs: --out the JSON report (chatctl report reads it back, chatctl report merge joins shards),
            --html a self-contained page with charts, --junit one JUnit test case per run check and threshold, --live one
            JSON line per second while the run goes.

            Examples:
              chatctl run scenarios/burst.json
              chatctl run scenarios/soak.json --target ws://127.0.0.1:8080/ws --out s.json
              chatctl run scenarios/smoke.json --threshold 'latency.broadcast.p99 < 20ms'
              chatctl run scenarios/burst.json --dry-run
              chatctl run scenarios/smoke.json --html report.html --junit junit.xml
              chatctl run scenarios/soak.json --quiet --live live.jsonl
              chatctl run scenarios/smoke.json --target wss://127.0.0.1:8443/ws --ca-file server.crt
            """
    )

    @Argument(help: "The scenario file (JSON).")
    var scenario: String

    @Option(
        help: ArgumentHelp(
            "WebSocket URL (ws:// or wss://) of the server under test (overrides the scenario's target).",
            discussion: "Repeat it for the nodes of a cluster: users are spread over them round-robin."))
    var target: [String] = []

    @Option(help: "Write the full report (histograms, time series) as JSON to this file.")
    var out: String?

    @OptionGroup var outputs: ReportOutputOptions

    @Option(help: ArgumentHelp(
        "While the run goes, write one JSON line per second (that second's time-series point, phase, users, "
            + "p99 so far) to this file, for a dashboard to tail.",
        valueName: "file"))
    var live: String?

    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            "Add a threshold, e.g. 'delivery.lost == 0' (repeatable). It replaces every rule on the same metric, "
                + "so it can loosen a rule as well as tighten it.",
            valueName: "metric op value"))
    var thresholds: [String] = []

    @Option(
        name: .customLong("protocol"),
        help: "Replace the scenario's protocol: chat, raw for a plain broadcast server (latency and delivery from markers in each payload), or json or socketio (the scenario's json or socketio block maps it; docs/protocols.md).")
    var wireProtocol: LoadProtocol?

    @Option(help: "Replace the scenario's seed.")
    var seed: UInt64?

    @Option(help: "Event-loop threads for the simulated users (default: one per core).")
    var threads: Int?

    @Option(help: "A send leaving later than this after its planned time counts as late (generator overload).")
    var lateThreshold = "10ms"

    @Option(help: ArgumentHelp("Run a deterministic share of the users: I/N (1-based).", valueName: "I/N"))
    var shard: String?

    @Flag(help: "Print only the summary (no progress lines).")
    var quiet = false

    @Flag(help: "Validate the scenario, print the plan, its fingerprint and warnings about sends that cannot go out (e.g. say arrivals from users in no room), and exit without connecting.")
    var dryRun = false

    @OptionGroup var tls: TLSOptions

    func run() async throws {
        var scenario: Scenario
        do {
            scenario = try ScenarioParser.parse(contentsOf: self.scenario)
        } catch let error as ScenarioValidationError {
            let problems = error.problems.map { "  " + TerminalText.escape($0) }.joined(separator: "\n")
            Console.error("chatctl: \(self.scenario): invalid scenario:\n" + problems)
            throw ChatctlExitCode.usage
        }
        if let seed = self.seed { scenario.seed = seed }
        if let wireProtocol = self.wireProtocol {
            scenario.wireProtocol = wireProtocol
            if wireProtocol == .raw, !scenario.rawProblems.isEmpty {
                Console.error("chatctl: --protocol raw: " + scenario.rawProblems.map { "\($0.path): \($0.message)" }.joined(separator: "\n  "))
                throw ChatctlExitCode.usage
            }
        }
        let overrides = try ThresholdArguments.parse(self.thresholds)
        guard let lateSeconds = ScenarioUnits.seconds(self.lateThreshold) else {
            Console.error("chatctl: --late-threshold: expected a duration such as \"10ms\", got \"\(self.lateThreshold)\"")
            throw ChatctlExitCode.usage
        }
        let shard: (index: Int, count: Int)
        do { shard = try Self.parseShard(self.shard) } catch {
            Console.error("chatctl: \(error)")
            throw ChatctlExitCode.usage
        }
        for target in self.target {
            do { _ = try WebSocketURL(target) } catch {
                Console.error("chatctl: --target: \(error)")
                throw ChatctlExitCode.usage
            }
        }

        try self.outputs.checkPaths(json: self.out, others: [("--live", self.live)])

        let plan = LoadPlan(scenario: scenario, shard: shard)
        if self.dryRun {
            print(PlanDescription.describe(plan))
            for warning in plan.warnings { print("warning: \(warning)") }
            return
        }
        for warning in plan.warnings { Console.error("chatctl: warning: \(warning)") }

        var liveLog: LiveProgressLog?
        if let live = self.live {
            do {
                liveLog = try LiveProgressLog(path: live) { problem in
                    Console.error("chatctl: --live \(live): cannot write: \(problem)")
                }
            } catch {
                Console.error("chatctl: --live \(live): \(error.message)")
                throw ChatctlExitCode.usage
            }
        }
        defer { liveLog?.close() }

        let progress: ProgressPrinter? = self.quiet ? nil : ProgressPrinter()
        var options = LoadRunOptions(
            target: self.target.first, transport: CurlLoadTransport(tls: self.tls.curl), threads: self.threads ?? ProcessInfo.processInfo.activeProcessorCount,
            lateThresholdSeconds: lateSeconds,
            thresholdOverrides: overrides, shard: shard, targets: self.target.count > 1 ? self.target : [],
            tls: try self.tls.clientTLS(),
            adminToken: ProcessInfo.processInfo.environment[AdminOptions.tokenEnvironmentVariable])
        if progress != nil || liveLog != nil {
            options.onProgress = { [liveLog] update in
                liveLog?.append(update)
                progress?.show(update)
            }
        }
        options.onEmbeddedServer = { url in
            Console.error("chatctl: no target given: started an embedded ChatKit server at \(url)")
        }
        // From here SIGINT and SIGTERM stop the run rather than kill chatctl: it still reports.
        let interruption = RunInterruption()
        defer { withExtendedLifetime(interruption) {} }  // the signal sources live until the command ends
        options.stop = interruption.stop
        let report: LoadReport
        do {
            report = try await LoadRunner.run(scenario, options: options)
        } catch let error as LoadRunError {
            progress?.finish()
            switch error {
            case .targetUnreachable, .targetUnusable:
                Console.error("chatctl: \(error)")
                throw ChatctlExitCode.unreachable
            case .invalid:
                Console.error("chatctl: \(error)")
                throw ChatctlExitCode.usage
            case .targetMissing:
                Console.error(#"chatctl: protocol raw needs a target: give --target or "target""#)
                throw ChatctlExitCode.usage
            }
        }
        progress?.finish()
        liveLog?.close()
        print(report.summaryText(colour: Console.stdoutWantsColour))
        try self.outputs.write(report, json: self.out)
        if let interrupted = report.interruption {
            throw ChatctlExitCode.interrupted(by: interrupted.signal)
        }
        if !report.passed { throw ChatctlExitCode.failed }
    }

    static func parseShard(_ text: String?) throws -> (index: Int, count: Int) {
        guard let text else { return (0, 1) }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index)
        else {
            throw ValidationError("--shard: expected I/N with 1 <= I <= N, got \"\(text)\"")
        }
        return (index - 1, count)
    }
}
