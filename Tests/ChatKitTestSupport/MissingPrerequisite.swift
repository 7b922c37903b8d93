import Foundation
import XCTest

/// What a test does when something outside the package that it needs is missing (the test venv, a built
/// executable, redis-server, chromium, openssl): it skips, saying what is missing and how to get it, so that
/// `swift test` on a fresh clone passes or skips rather than fails. Under CI (`CI=true`, as `.ci/run` runs) the
/// same message fails the test instead: there a missing tool is a broken install step, not a choice.
package enum MissingPrerequisite {
    /// The error to throw: an `XCTSkip` with `message`, or (under CI) a failure recorded now and an error.
    package static func error(_ message: String, what: String) -> Error {
        guard ProcessInfo.processInfo.environment["CI"] == "true" else { return XCTSkip(message) }
        XCTFail(message)
        return TestTimeout(what: what)
    }
}
