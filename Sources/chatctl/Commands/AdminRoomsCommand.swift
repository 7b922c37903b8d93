import ArgumentParser
import ChatKit

/// `chatctl admin rooms`: lists the rooms with their member counts.
struct AdminRoomsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "List rooms: members, last seq and history size (GET /admin/rooms).",
        discussion: """
            Prints a table (ROOM, MEMBERS, SEQ, HISTORY) sorted by name, or "no rooms".

            Examples:
              chatctl admin rooms --token s3cret
              CHAT_ADMIN_TOKEN=s3cret chatctl admin rooms --url http://127.0.0.1:8080 --json
            """
    )

    @OptionGroup var options: AdminOptions

    func run() async throws {
        let result = try await self.options.request("GET", "/admin/rooms")
        guard let list = try self.options.decodeUnlessJSON(RoomList.self, from: result) else { return }
        guard !list.rooms.isEmpty else { return print("no rooms") }
        var table = TextTable(columns: [
            .init(title: "ROOM"), .init(title: "MEMBERS", alignment: .right), .init(title: "SEQ", alignment: .right),
            .init(title: "HISTORY", alignment: .right),
        ])
        table.rows = list.rooms.map { [$0.name, String($0.members), String($0.seq), String($0.historySize)] }
        print(table.rendered())
    }
}
