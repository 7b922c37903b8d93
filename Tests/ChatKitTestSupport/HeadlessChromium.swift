import Foundation
import XCTest

/// Debian's `chromium`, headless, as the tests use it to render report pages: the DOM after parsing and a
/// screenshot. `.ci/install-deps` installs it.
package enum HeadlessChromium {
    package static func executable() throws -> URL {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/local/bin/chromium"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        throw MissingPrerequisite.error(
            "chromium is missing: run `make test` (or `bash .ci/install-deps`) to install it", what: "chromium")
    }

    /// Flags for a browser that runs as root in a container, without a GPU, a profile or the network.
    private static func arguments(_ extra: [String], profile: String) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--user-data-dir=\(profile)",
        ] + extra
    }

    /// Runs chromium once on `page` and returns its stdout, failing the test on a non-zero exit.
    private static func run(_ extra: [String], page: String) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let child = try ChildProcess(
            try Self.executable(), Self.arguments(extra, profile: profile) + [URL(fileURLWithPath: page).absoluteString])
        child.closeStdin()
        let status = try await child.wait(timeout: .seconds(90))
        XCTAssertEqual(status, 0, "chromium failed:\n\(child.stderr)")
        return child.stdout
    }

    /// The page's DOM as chromium serialises it after loading and parsing it.
    package static func dumpDOM(of page: String) async throws -> String {
        try await Self.run(["--dump-dom"], page: page)
    }

    /// A PNG screenshot of the page at `width` × `height` CSS pixels, written to `output`.
    package static func screenshot(
        of page: String, to output: String, width: Int = 1280, height: Int = 2200
    ) async throws {
        _ = try await Self.run(["--screenshot=\(output)", "--window-size=\(width),\(height)", "--hide-scrollbars"], page: page)
    }
}
