import ChatKit
import ChatKitLoad
import Foundation
import NIOConcurrencyHelpers

/// Shows run progress: one live line on a terminal, a plain line every few seconds in CI logs.
final class ProgressPrinter: Sendable {
    private let isTerminal = Console.stderrIsTerminal
    private let lastPlain = NIOLockedValueBox<Double>(-100)
    private static let plainEverySeconds = 5.0

    func show(_ progress: LoadProgress) {
        let total = progress.plannedSeconds > 0 ? String(format: "/%.0fs", progress.plannedSeconds) : ""
        let line = String(
            format: "%5.1fs%@ %@  users %d/%d  out %d/s  in %d/s  p99 %@  errors %d",
            progress.elapsedSeconds, total, progress.phase, progress.usersConnected, progress.usersTotal,
            progress.messagesOutPerSecond, progress.messagesInPerSecond,
            ScenarioUnits.describe(seconds: progress.broadcastP99SoFar), progress.errors)
        if self.isTerminal {
            Console.progress("\r\u{1B}[2K" + line)
        } else {
            let due = self.lastPlain.withLockedValue { last in
                guard progress.elapsedSeconds - last >= Self.plainEverySeconds else { return false }
                last = progress.elapsedSeconds
                return true
            }
            if due { Console.error(line) }
        }
    }

    func finish() {
        if self.isTerminal { Console.progress("\r\u{1B}[2K") }
    }
}
