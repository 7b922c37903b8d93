import ArgumentParser
import ChatKit

/// `chatctl admin stats`: prints the server's counters.
struct AdminStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the server's counters (GET /admin/stats).",
        discussion: """
            Prints "key: value" lines: connectionsCurrent, connectionsTotal, messagesIn, messagesOut, \
            bytesIn, bytesOut, slowConsumersDropped, then one "errors.CODE: count" line per error code sent \
            to clients (or "errors: none").

            Examples:
              chatctl admin stats
              chatctl admin stats --json --url http://127.0.0.1:8080
            """
    )

    @OptionGroup var options: AdminOptions

    func run() async throws {
        let result = try await self.options.request("GET", "/admin/stats")
        guard let stats = try self.options.decodeUnlessJSON(ServerStats.Snapshot.self, from: result) else { return }
        var lines = [
            "connectionsCurrent: \(stats.connectionsCurrent)",
            "connectionsTotal: \(stats.connectionsTotal)",
            "messagesIn: \(stats.messagesIn)",
            "messagesOut: \(stats.messagesOut)",
            "bytesIn: \(stats.bytesIn)",
            "bytesOut: \(stats.bytesOut)",
            "slowConsumersDropped: \(stats.slowConsumersDropped)",
        ]
        if stats.errors.isEmpty {
            lines.append("errors: none")
        } else {
            lines += stats.errors.sorted { $0.key < $1.key }.map { "errors.\($0.key): \($0.value)" }
        }
        print(lines.joined(separator: "\n"))
    }
}
