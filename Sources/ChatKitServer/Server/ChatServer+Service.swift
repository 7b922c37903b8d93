import Logging
import ServiceLifecycle

/// A chat server is a swift-service-lifecycle `Service`: run it in a `ServiceGroup`, which turns SIGINT and
/// SIGTERM (or whatever the group is told) into a graceful shutdown.
///
/// ```swift
/// let server = try await ChatServer.start(configuration: configuration)
/// let group = ServiceGroup(configuration: .init(
///     services: [server], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
/// try await group.run()  // returns once every connection was closed with 1001 and the server stopped
/// ```
extension ChatServer: Service {
    /// Serves until the group shuts down gracefully, then closes every connection with 1001 (waiting up to the
    /// configured shutdown deadline for clients to answer) and stops. Cancelled instead (a second signal, or the
    /// group's cancellation), it stops at once: connections are dropped without waiting.
    public func run() async throws {
        do {
            try await gracefulShutdown()
            self.logger.info("shutting down: closing every connection with 1001")
            try await self.shutdown()
        } catch is CancellationError {
            self.logger.info("cancelled: stopping at once")
            try await self.shutdown(deadline: .zero)
        }
    }
}
