import Foundation

/// Writes `line` and a newline to standard error, unbuffered, for diagnostics that must not mix with
/// the command's output on standard output.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
