import ArgumentParser
import ChatKit
import Foundation

/// `chatctl report REPORT.json`: the summary of a saved report, its thresholds evaluated again, and the
/// report as HTML or JUnit XML.
struct ReportShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a saved report's summary, check its thresholds again, write HTML or JUnit XML.",
        discussion: """
            Reads a report written by chatctl run --out (or report merge --out), evaluates the thresholds it \
            was run with again (--threshold adds a rule, replacing every rule on its metric: it can loosen one), prints the \
            same summary as run, and writes the outputs asked for. The HTML page is one file with inline CSS \
            and SVG charts of the time series (latency p99, messages/s, users, errors), the thresholds and the \
            summary tables; it loads nothing. The JUnit XML has one test case per threshold.

            Exit status: 0 every threshold passed, 1 a threshold failed, 2 bad usage, an unreadable report \
            (the message names the file and what is wrong) or an output that cannot be written.

            Examples:
              chatctl report show report.json
              chatctl report report.json --html report.html
              chatctl report report.json --junit junit.xml --threshold 'delivery.lost == 0'
            """
    )

    @Argument(help: "A report written by chatctl run --out.")
    var report: String

    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            "Add a threshold, e.g. 'latency.broadcast.p99 < 20ms' (repeatable). It replaces every rule on the same "
                + "metric, so it can loosen a rule as well as tighten it.",
            valueName: "metric op value"))
    var thresholds: [String] = []

    @OptionGroup var outputs: ReportOutputOptions

    func run() async throws {
        let overrides = try ThresholdArguments.parse(self.thresholds)
        try self.outputs.checkPaths()
        var report = try ReportFiles.read(self.report)
        do {
            try report.reevaluate(overrides: overrides)
        } catch {
            Console.error("chatctl: \(self.report): \(TerminalText.escape(error.message))")
            throw ChatctlExitCode.usage
        }
        print(report.summaryText(colour: Console.stdoutWantsColour))
        try self.outputs.write(report)
        if !report.passed { throw ChatctlExitCode.failed }
    }
}
