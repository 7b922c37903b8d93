import Foundation

/// The `main` of a fuzz target built without libFuzzer: runs every file named on the command line, or
/// every file of a named directory, through the target's check. That makes the committed corpus, crash
/// reproducers included, a regression test of every normal build (`FuzzCorpusTests`).
package enum CorpusReplayer {
    /// Replays the inputs named in `arguments` (the process arguments without the program) and exits:
    /// 0 when every input passed, 2 for a usage error. A broken invariant aborts (see ``fuzzRequire``).
    package static func run(target: String, arguments: [String], check: (Data) -> Void) -> Never {
        guard !arguments.isEmpty else {
            Self.printError("usage: \(target) FILE|DIRECTORY...  (replays a corpus; see docs/fuzzing.md)")
            exit(2)
        }
        var inputs: [String] = []
        for argument in arguments {
            guard let found = Self.files(at: argument) else {
                Self.printError("\(target): cannot read \(argument)")
                exit(2)
            }
            inputs += found
        }
        for path in inputs {
            guard let data = FileManager.default.contents(atPath: path) else {
                Self.printError("\(target): cannot read \(path)")
                exit(2)
            }
            FuzzInput.$path.withValue(path) { check(data) }
        }
        print("\(target): \(inputs.count) inputs passed")
        exit(0)
    }

    /// `path` itself when it is a file; the regular, non-hidden files directly inside it, sorted, when it is a
    /// directory; `nil` when it does not exist.
    static func files(at path: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return [path] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(path)/\($0)" }.filter { file in
            var isSubdirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: file, isDirectory: &isSubdirectory)
            return exists && !isSubdirectory.boolValue
        }
    }

    private static func printError(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }
}
