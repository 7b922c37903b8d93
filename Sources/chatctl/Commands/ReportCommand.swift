import ArgumentParser

/// `chatctl report`: work with saved reports. `show` (the default) prints one; `merge` joins shards.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print, export or merge saved load-test reports (chatctl run --out).",
        discussion: """
            chatctl report REPORT.json is chatctl report show REPORT.json: it prints the summary of a saved \
            report, evaluates its thresholds again (plus --threshold overrides) and writes it as a \
            self-contained HTML page (--html) or JUnit XML (--junit). chatctl report merge joins the \
            reports of the shards of one run (chatctl run --shard I/N) into the report of the whole run.

            Exit status, as for run: 0 every threshold passed, 1 a threshold failed, 2 bad usage, an \
            unreadable report or reports that cannot be merged.

            Examples:
              chatctl report report.json
              chatctl report report.json --html report.html --junit thresholds.xml
              chatctl report report.json --threshold 'latency.broadcast.p99 < 20ms'
              chatctl report merge shard-1.json shard-2.json shard-3.json --out all.json
            """,
        subcommands: [ReportShowCommand.self, ReportMergeCommand.self],
        defaultSubcommand: ReportShowCommand.self
    )
}
