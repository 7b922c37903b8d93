import ArgumentParser
import Foundation

/// Checks the files a command will write (`--out`, `--html`, `--junit`, `--live`) before it does anything:
/// each one's directory exists and is writable, the path is not a directory, and no two flags name the same
/// file. A bad one exits with 2, naming the flag: `chatctl: --html /nope/r.html: directory /nope does not exist`.
enum OutputPaths {
    /// `outputs` are `(flag, path)` pairs; nil paths (flags not given) are skipped.
    static func check(_ outputs: [(flag: String, path: String?)]) throws {
        var seen: [String: String] = [:]
        for case let (flag, path?) in outputs {
            if let problem = Self.problem(with: path) {
                Console.error("chatctl: \(flag) \(path): \(problem)")
                throw ChatctlExitCode.usage
            }
            let resolved = Self.resolved(path)
            if let other = seen[resolved] {
                Console.error("chatctl: \(other) and \(flag) both write \(resolved): give each output its own file")
                throw ChatctlExitCode.usage
            }
            seen[resolved] = flag
        }
    }

    /// What stops `path` from being written, in words; nil when it can be.
    static func problem(with path: String) -> String? {
        guard !path.isEmpty else { return "empty path" }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            return "directory \(directory) does not exist"
        }
        guard isDirectory.boolValue else { return "\(directory) is not a directory" }
        guard access(directory, W_OK | X_OK) == 0 else { return "directory \(directory) is not writable" }
        // An existing file need not be writable itself: it is replaced by a rename (``AtomicFile``).
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "is a directory"
        }
        return nil
    }

    /// The absolute path with the directory's symbolic links resolved, to tell two spellings of one file.
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.deletingLastPathComponent().resolvingSymlinksInPath()
            .appendingPathComponent(url.lastPathComponent).path
    }
}
