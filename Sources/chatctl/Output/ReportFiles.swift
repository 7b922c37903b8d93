import ChatKit
import ChatKitLoad

/// Reading saved reports for the `report` commands.
enum ReportFiles {
    /// The report at `path`; an unreadable one exits with 2, naming the file and what is wrong.
    static func read(_ path: String) throws -> LoadReport {
        do {
            return try LoadReport.read(contentsOf: path)
        } catch {
            Console.error("chatctl: \(path): \(TerminalText.escape(error.message))")
            throw ChatctlExitCode.usage
        }
    }
}
