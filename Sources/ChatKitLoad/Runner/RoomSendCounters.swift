import NIOConcurrencyHelpers

/// The number of sends made to each room by this process's users, for protocols without a seq of their own: each
/// send takes the next number of its room and carries it in its marker, so a member can tell which sends it
/// should have received. Rooms are few and sends go one lock each.
final class RoomSendCounters: Sendable {
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    /// Takes the next number of `room`.
    func next(_ room: String) -> Int {
        self.counts.withLockedValue { counts in
            let number = (counts[room] ?? 0) + 1
            counts[room] = number
            return number
        }
    }

    /// The last number taken in `room` (0 before any).
    func current(_ room: String) -> Int { self.counts.withLockedValue { $0[room] ?? 0 } }

    /// Every room's last number.
    var all: [String: Int] { self.counts.withLockedValue { $0 } }
}
