import ArgumentParser
import ChatKit
import Foundation

/// `chatctl admin announce ROOM TEXT`: posts a message to a room as `@system`.
struct AdminAnnounceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "announce",
        abstract: "Post a message to a room as @system (POST /admin/rooms/{room}/messages).",
        discussion: """
            Every member of the room receives it as a message from "@system", and it enters the room's \
            history with the next seq. Several words are joined with single spaces. Prints \
            "announced in ROOM: seq=N". An unknown room is an error (HTTP 404 unknown_room, exit status 1).

            Examples:
              chatctl admin announce lobby "maintenance at noon"
              chatctl admin announce lobby restarting in 5 minutes --json
            """
    )

    @Argument(help: "The room to post to.")
    var room: String

    @Argument(help: "The message text; several words are joined with spaces.")
    var text: [String]

    @OptionGroup var options: AdminOptions

    mutating func validate() throws {
        guard !self.text.isEmpty else { throw ValidationError("missing the message text") }
    }

    func run() async throws {
        let body = try JSONEncoder().encode(["content": self.text.joined(separator: " ")])
        let result = try await self.options.request(
            "POST", "/admin/rooms/\(self.room.percentEncodedComponent)/messages", body: body)
        guard let message = try self.options.decodeUnlessJSON(ChatMessage.self, from: result) else { return }
        print("announced in \(message.room): seq=\(message.seq)")
    }
}
