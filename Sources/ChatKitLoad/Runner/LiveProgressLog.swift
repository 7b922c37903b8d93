import Foundation
import NIOConcurrencyHelpers

/// The file `chatctl run --live FILE` writes while the run goes: one ``LiveProgressRecord`` per second as a
/// line of JSON, so that a dashboard can `tail -F` it.
///
/// The file is created, or emptied, when the log is opened (before anything connects, so a bad path fails
/// the run early). Each line goes out in one `write(2)` with no buffering in between: a reader sees every
/// second as soon as it has ended. A failed write is reported once through `onWriteError`; the run goes on.
public final class LiveProgressLog: Sendable {
    private let handle: FileHandle
    private let onWriteError: @Sendable (String) -> Void
    private let state = NIOLockedValueBox(State())

    private struct State {
        var failed = false
        var closed = false
    }

    /// Opens `path` for writing, creating or emptying it.
    public init(path: String, onWriteError: @escaping @Sendable (String) -> Void = { _ in }) throws(ReportFileError) {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw ReportFileError(message: "cannot create the file")
        }
        self.handle = handle
        self.onWriteError = onWriteError
    }

    /// Appends one second's line. Meant for ``LoadRunOptions/onProgress``, which calls it once a second.
    public func append(_ progress: LoadProgress) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(LiveProgressRecord(progress)) else { return }
        line.append(UInt8(ascii: "\n"))
        let reportFailure: String? = self.state.withLockedValue { state in
            guard !state.closed else { return nil }
            do {
                try self.handle.write(contentsOf: line)
                return nil
            } catch {
                defer { state.failed = true }
                return state.failed ? nil : "\(error)"
            }
        }
        if let reportFailure { self.onWriteError(reportFailure) }
    }

    /// Closes the file; later appends are dropped.
    public func close() {
        self.state.withLockedValue { state in
            guard !state.closed else { return }
            state.closed = true
            try? self.handle.close()
        }
    }
}
