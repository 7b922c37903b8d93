import ArgumentParser
import ChatKit
import Foundation

/// `chatctl admin users ROOM`: lists a room's members with their addresses.
struct AdminUsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "List the members of a room (GET /admin/rooms/{room}/users).",
        discussion: """
            Prints a table (USER, ADDRESS, CONNECTED SINCE, ROOMS), or "no users in ROOM". An unknown room \
            is an error (HTTP 404 unknown_room, exit status 1).

            Examples:
              chatctl admin users lobby
              chatctl admin users lobby --json --url ws://127.0.0.1:8080/ws
            """
    )

    @Argument(help: "The room whose members to list.")
    var room: String

    @OptionGroup var options: AdminOptions

    func run() async throws {
        let result = try await self.options.request("GET", "/admin/rooms/\(self.room.percentEncodedComponent)/users")
        guard let list = try self.options.decodeUnlessJSON(RoomUsers.self, from: result) else { return }
        guard !list.users.isEmpty else { return print("no users in \(list.room)") }
        let dates = ISO8601DateFormatter()
        var table = TextTable(columns: [
            .init(title: "USER"), .init(title: "ADDRESS"), .init(title: "CONNECTED SINCE"), .init(title: "ROOMS"),
        ])
        table.rows = list.users.map {
            [$0.name, $0.remoteAddress, dates.string(from: $0.connectedSince), $0.rooms.joined(separator: ",")]
        }
        print(table.rendered())
    }
}
