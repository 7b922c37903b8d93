import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// Waiting for SIGINT or SIGTERM in command-line programs (chatctl listen and bot); chatserver runs in a
/// swift-service-lifecycle `ServiceGroup` instead.
public enum TerminationSignals {
    /// Keeps the signal sources alive for the life of the process.
    private final class Store: @unchecked Sendable {
        private let lock = NIOLock()
        private var sources: [DispatchSourceSignal] = []
        func keep(_ source: DispatchSourceSignal) { self.lock.withLock { self.sources.append(source) } }
    }
    private static let store = Store()

    /// Returns the name of the first SIGINT or SIGTERM received after the call. The signals' default action
    /// (terminate) is replaced for the rest of the process.
    public static func wait() async -> String {
        let stream = AsyncStream<String> { continuation in
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(name) }
                source.resume()
                Self.store.keep(source)
            }
        }
        for await name in stream { return name }
        return "cancelled"
    }
}
