import Foundation
import XCTest

/// Paths of the repository, found from this file's location (Tests/ChatKitTestSupport/).
package enum RepositoryPaths {
    package static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv Python that `make test` prepares (`.venv/bin/python`, with `websockets`).
    package static func python() throws -> URL {
        let python = Self.root.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw MissingPrerequisite.error(
                "\(python.path) is missing: run `make test` (or `bash .ci/install-deps`) to create it",
                what: "the test venv")
        }
        return python
    }

    /// A command-line tool installed in the test venv (`kosoku`), with the same advice as ``python()``.
    package static func venvTool(_ name: String) throws -> URL {
        let tool = Self.root.appendingPathComponent(".venv/bin/\(name)")
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw MissingPrerequisite.error(
                "\(tool.path) is missing: run `make test` (or `bash .ci/install-deps`) to install it",
                what: "\(name) in the test venv")
        }
        return tool
    }

    /// A product built next to the test bundle (`chatctl`, `chatserver`): `swift build --build-tests`
    /// builds them with the tests.
    package static func binary(_ name: String) throws -> URL {
        let testBundleDirectory = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? "")
            .deletingLastPathComponent()
        for candidate in [
            testBundleDirectory.appendingPathComponent(name),
            Self.root.appendingPathComponent(".build/debug/\(name)"),
        ] where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw MissingPrerequisite.error(
            "\(name) is not built: run `swift build --build-tests` (make test does)", what: "the \(name) binary")
    }

    package static func interopScript(_ name: String) -> String {
        Self.root.appendingPathComponent("Tests/interop/\(name)").path
    }
}

/// A real child process with its output captured.
package final class ChildProcess: @unchecked Sendable {
    package let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let stdinPipe = Pipe()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()

    package init(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws {
        self.process.executableURL = executable
        self.process.arguments = arguments
        if let environment {
            self.process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        self.process.standardOutput = self.stdoutPipe
        self.process.standardError = self.stderrPipe
        self.process.standardInput = self.stdinPipe
        self.stdoutPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.stdoutData.append(data) }
        }
        self.stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.stderrData.append(data) }
        }
        try self.process.run()
    }

    package var stdout: String { self.lock.withLock { String(decoding: self.stdoutData, as: UTF8.self) } }
    package var stderr: String { self.lock.withLock { String(decoding: self.stderrData, as: UTF8.self) } }

    package func write(_ text: String) { self.stdinPipe.fileHandleForWriting.write(Data(text.utf8)) }
    package func closeStdin() { try? self.stdinPipe.fileHandleForWriting.close() }

    /// The first stdout line, once it is complete.
    package func firstLine(timeout: Duration = .seconds(30)) async throws -> String {
        try await eventually("a first line from \(self.process.executableURL?.lastPathComponent ?? "")", timeout: timeout) {
            self.stdout.contains("\n") || !self.process.isRunning
        }
        return self.stdout.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// Waits for exit (killing the process after `timeout`) and returns the exit status.
    @discardableResult
    package func wait(timeout: Duration = .seconds(60)) async throws -> Int32 {
        do {
            try await eventually("process exit", timeout: timeout) { !self.process.isRunning }
        } catch {
            self.process.terminate()
            throw error
        }
        // Let the readability handlers catch the last bytes.
        self.stdoutPipe.fileHandleForReading.readabilityHandler = nil
        self.stderrPipe.fileHandleForReading.readabilityHandler = nil
        let restOut = self.stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        let restErr = self.stderrPipe.fileHandleForReading.readDataToEndOfFile()
        self.lock.withLock {
            self.stdoutData.append(restOut)
            self.stderrData.append(restErr)
        }
        return self.process.terminationStatus
    }

    package func terminate() { if self.process.isRunning { self.process.terminate() } }
}
