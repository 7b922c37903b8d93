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
}
