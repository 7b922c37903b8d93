import ArgumentParser
import ChatKit
import ChatKitLoad
import Foundation

/// `--html FILE` and `--junit FILE`: the report as a page and as JUnit XML, shared by `run`, `report` and
/// `report merge`.
struct ReportOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Write the report as one self-contained HTML page (charts, thresholds, summary).", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp(
        "Write the thresholds as JUnit XML: one test case per threshold, in a suite named after the scenario.",
        valueName: "file"))
    var junit: String?

    /// Checks, before anything else happens, that every file asked for can be written (with `json`, the
    /// `--out` file, and `others`, such as `--live`): exit 2 naming the flag otherwise (``OutputPaths``).
    func checkPaths(json: String? = nil, others: [(flag: String, path: String?)] = []) throws {
        try OutputPaths.check([("--out", json), ("--html", self.html), ("--junit", self.junit)] + others)
    }

    /// Writes the files asked for, each atomically (``AtomicFile``); a file that cannot be written exits with 2
    /// after saying why.
    func write(_ report: LoadReport, json: String? = nil) throws {
        var outputs: [(path: String, data: () throws -> Data)] = []
        if let json { outputs.append((json, { try report.jsonData() })) }
        if let html { outputs.append((html, { Data(ReportHTML.render(report).utf8) })) }
        if let junit { outputs.append((junit, { Data(ReportJUnit.render(report).utf8) })) }
        for output in outputs {
            do {
                try AtomicFile.write(try output.data(), to: output.path)
            } catch {
                Console.error("chatctl: cannot write \(output.path): \(error)")
                throw ChatctlExitCode.usage
            }
        }
    }
}
