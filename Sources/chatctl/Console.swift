import Foundation

/// Writing to the terminal: stderr for diagnostics and progress, and whether colour and live lines fit.
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether stderr is a terminal (live progress line) rather than a log file (plain lines).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// Whether stdout may be coloured: it is a terminal, and `NO_COLOR` (https://no-color.org) is unset or
    /// empty. Pipes, files and CI logs get plain text.
    static var stdoutWantsColour: Bool {
        guard isatty(STDOUT_FILENO) != 0 else { return false }
        return (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }
}
