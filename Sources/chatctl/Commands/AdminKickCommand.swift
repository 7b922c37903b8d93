import ArgumentParser
import ChatKit

/// `chatctl admin kick NAME`: disconnects a user.
struct AdminKickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kick",
        abstract: "Disconnect a user (DELETE /admin/users/{name}).",
        discussion: """
            The server closes the user's connection with code 1008 and the reason, and the user's rooms see \
            them leave. Prints "kicked NAME (reason: …)". A user who is not connected is an error \
            (HTTP 404 unknown_user, exit status 1).

            Examples:
              chatctl admin kick mallory
              chatctl admin kick mallory --reason "spamming the lobby"
            """
    )

    @Argument(help: "The name of the user to disconnect.")
    var name: String

    @Option(help: ArgumentHelp(
        "Why, sent to the user as the close reason (default: the server's \"kicked by an operator\").",
        valueName: "text"))
    var reason: String?

    @OptionGroup var options: AdminOptions

    func run() async throws {
        var path = "/admin/users/\(self.name.percentEncodedComponent)"
        if let reason { path += "?reason=\(reason.percentEncodedComponent)" }
        let result = try await self.options.request("DELETE", path)
        guard let kicked = try self.options.decodeUnlessJSON(KickResult.self, from: result) else { return }
        print("kicked \(kicked.kicked) (reason: \(kicked.reason))")
    }
}
