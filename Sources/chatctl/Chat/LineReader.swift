import Foundation

/// Lines of standard input, read on a background thread so the event loops and the cooperative pool
/// never block on a terminal or a pipe.
final class LineReader: Sendable {
    private let lines: AsyncStream<String>

    init() {
        self.lines = AsyncStream { continuation in
            Thread.detachNewThread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }
        }
    }

    /// The lines, in order; ends at end of input.
    var stream: AsyncStream<String> { self.lines }
}
