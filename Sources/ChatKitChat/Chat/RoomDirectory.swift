import NIOConcurrencyHelpers

/// The rooms that exist, by name, behind a lock of its own held only to find, add or remove a room.
///
/// Lock order: a room's lock may be held while taking the directory's (to remove the room), never the other
/// way round; so the directory hands out rooms and the caller locks them afterwards, looking again if the room
/// was closed meanwhile (``Room/isClosed``).
package final class RoomDirectory: @unchecked Sendable {
    private let lock = NIOLock()
    private var rooms: [String: Room] = [:]
    /// Most rooms that may exist at once.
    package let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// The room called `name`, if it exists.
    package func room(_ name: String) -> Room? {
        self.lock.withLock { self.rooms[name] }
    }

    /// The room called `name`, made with `make` if it does not exist; `nil` when it does not and `limit` rooms
    /// exist already.
    package func room(_ name: String, orMake make: () -> Room) -> Room? {
        self.lock.withLock {
            if let room = self.rooms[name] { return room }
            guard self.rooms.count < self.limit else { return nil }
            let room = make()
            self.rooms[name] = room
            return room
        }
    }

    /// Removes `room` if it is still the one listed under its name.
    package func remove(_ room: Room) {
        self.lock.withLock {
            if self.rooms[room.name] === room { self.rooms[room.name] = nil }
        }
    }

    /// Every room, in no order.
    package var all: [Room] {
        self.lock.withLock { Array(self.rooms.values) }
    }

    /// Number of rooms.
    package var count: Int {
        self.lock.withLock { self.rooms.count }
    }
}
