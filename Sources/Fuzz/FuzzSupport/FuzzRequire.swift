import Foundation

/// The input a replayer is running, so that a failed invariant can name the file that broke it.
package enum FuzzInput {
    /// The corpus file being replayed; `nil` under libFuzzer, which reports the input itself.
    @TaskLocal package static var path: String?
}

/// Stops the process when an invariant does not hold: libFuzzer treats the abort as a crash and saves the
/// input; a replayer run exits non-zero, which fails `FuzzCorpusTests`.
///
/// A fuzz target checks more than "does not crash": each of its `fuzzRequire` calls states a property of
/// the code under test that must hold for every input.
package func fuzzRequire(
    _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    guard !condition else { return }
    fuzzFail(message(), file: file, line: line)
}

/// Reports a broken invariant on standard error and aborts.
package func fuzzFail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    let input = FuzzInput.path.map { " (input \($0))" } ?? ""
    FileHandle.standardError.write(Data("invariant violated at \(file):\(line)\(input): \(message)\n".utf8))
    abort()
}
