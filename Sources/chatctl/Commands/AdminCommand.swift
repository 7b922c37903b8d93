import ArgumentParser

/// `chatctl admin …`: the admin API's operations as subcommands.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Inspect and manage a running chat server through its admin API.",
        discussion: """
            The server must run with an admin token (chatserver --admin-token or CHAT_ADMIN_TOKEN); every \
            subcommand sends it as "Authorization: Bearer TOKEN", from --token or else CHAT_ADMIN_TOKEN.

            Exit status: 0 success; 1 the server answered with an error (printed to standard error, e.g. \
            "chatctl: HTTP 401 unauthorized: wrong admin token"); 2 bad usage (including no token); \
            3 unreachable.

            Examples:
              export CHAT_ADMIN_TOKEN=s3cret
              chatctl admin rooms
              chatctl admin users lobby --url ws://127.0.0.1:8080/ws
              chatctl admin announce lobby "maintenance at noon"
              chatctl admin kick mallory --reason spamming
              chatctl admin stats --json
            """,
        subcommands: [
            AdminRoomsCommand.self, AdminUsersCommand.self, AdminKickCommand.self, AdminAnnounceCommand.self,
            AdminStatsCommand.self,
        ]
    )
}
