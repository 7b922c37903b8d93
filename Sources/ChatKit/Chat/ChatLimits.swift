/// The hub's own limits, taken from the server's configuration.
struct ChatLimits: Sendable {
    /// Messages each room keeps and sends to a member who joins.
    var historySize: Int
    /// Longest `content` of a `say` or `whisper`, in UTF-8 bytes.
    var maxContentBytes: Int
    /// Rooms one connection may be in at once (`too_many_rooms`).
    var maxRoomsPerConnection: Int
    /// Rooms that may exist at once on the server (`room_limit_reached`).
    var maxRooms: Int
    /// Most names one `users` reply holds; a longer list comes in pages.
    var usersPageSize: Int

    init(_ configuration: ServerConfiguration) {
        self.historySize = configuration.historySize
        self.maxContentBytes = configuration.maxContentBytes
        self.maxRoomsPerConnection = configuration.maxRoomsPerConnection
        self.maxRooms = configuration.maxRooms
        self.usersPageSize = max(1, configuration.usersPageSize)
    }
}
