import ArgumentParser
import ChatKit
import ChatKitLoad
import Foundation

/// `chatctl report merge A.json B.json ...`: the report of a whole run from the reports of its shards.
struct ReportMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the reports of the shards of one run into one report.",
        discussion: """
            The reports must come from the same scenario, seed and plan (chatctl run --shard I/N, one process \
            per shard); a shard given twice, or shards of different splits, are refused. Counters and errors \
            are summed, and delivery is counted up to each room's last seq over all shards (copies that \
            reached none of a shard's members count as lost); latency histograms are merged from their buckets and the percentiles computed again \
            (exact, not averaged); time-series points are summed second by second; the thresholds the shards \
            recorded are evaluated again on the merged report (--threshold adds a rule, replacing the recorded \
            rules on its metric). Prints \
            the merged summary. See docs/scenarios.md, "Merging shards".

            Exit status: 0 every threshold passed, 1 a threshold failed, 2 bad usage, an unreadable report, \
            reports that cannot be merged, or an output that cannot be written.

            Examples:
              export TARGET=ws://127.0.0.1:8080/ws
              chatctl run scenarios/burst.json --target $TARGET --shard 1/2 --out s1.json &
              chatctl run scenarios/burst.json --target $TARGET --shard 2/2 --out s2.json
              wait
              chatctl report merge s1.json s2.json --out all.json --html all.html
              chatctl report merge s*.json --junit all.xml --threshold 'sends.late < 1%'
            """
    )

    @Argument(help: "The shards' reports (chatctl run --shard I/N --out FILE).")
    var reports: [String] = []

    @Option(help: ArgumentHelp("Write the merged report as JSON.", valueName: "file"))
    var out: String?

    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            "Add a threshold (repeatable). It replaces every rule on the same metric, so it can loosen a rule as "
                + "well as tighten it.",
            valueName: "metric op value"))
    var thresholds: [String] = []

    @OptionGroup var outputs: ReportOutputOptions

    func validate() throws {
        guard !self.reports.isEmpty else { throw ValidationError("give the reports to merge") }
    }

    func run() async throws {
        let overrides = try ThresholdArguments.parse(self.thresholds)
        try self.outputs.checkPaths(json: self.out)
        var inputs: [LoadReport] = []
        for path in self.reports { inputs.append(try ReportFiles.read(path)) }
        let merged: LoadReport
        do {
            merged = try LoadReport.merge(inputs, labels: self.reports, overrides: overrides)
        } catch {
            Console.error("chatctl: cannot merge: \(TerminalText.escape(error.message))")
            throw ChatctlExitCode.usage
        }
        print(merged.summaryText(colour: Console.stdoutWantsColour))
        try self.outputs.write(merged, json: self.out)
        if !merged.passed { throw ChatctlExitCode.failed }
    }
}
