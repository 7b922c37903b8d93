/// The hub's own limits (a server takes them from its configuration).
package struct ChatLimits: Sendable {
    /// Messages each room keeps and sends to a member who joins.
    package var historySize: Int
    /// Milliseconds a message stays in history (`--history-max-age`); 0: no age limit.
    package var historyMaxAgeMilliseconds: Int64 = 0
    /// Longest `content` of a `say` or `whisper`, in UTF-8 bytes.
    package var maxContentBytes: Int
    /// Rooms one connection may be in at once (`too_many_rooms`).
    package var maxRoomsPerConnection: Int
    /// Rooms that may exist at once on the server (`room_limit_reached`).
    package var maxRooms: Int
    /// Most names one `users` reply holds; a longer list comes in pages.
    package var usersPageSize: Int

    package init(
        historySize: Int, maxContentBytes: Int, maxRoomsPerConnection: Int, maxRooms: Int, usersPageSize: Int
    ) {
        self.historySize = historySize
        self.maxContentBytes = maxContentBytes
        self.maxRoomsPerConnection = maxRoomsPerConnection
        self.maxRooms = maxRooms
        self.usersPageSize = max(1, usersPageSize)
    }
}
