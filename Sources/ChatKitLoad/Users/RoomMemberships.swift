/// The rooms a simulated user is in, found by name or by the raw bytes of a room name in a received frame.
///
/// A receiving user looks its room up once per frame. A user is in a few rooms, so comparing the frame's
/// bytes with each name (length first) is cheaper than making a `String` and hashing it; a user in more than
/// ``hashedAbove`` rooms gets a hashed index as well.
struct RoomMemberships {
    private var records: [MembershipRecord] = []
    /// `records[i].room` as UTF-8, for comparing with frame bytes.
    private var names: [[UInt8]] = []
    /// Room name → position in `records`, kept only while there are more than ``hashedAbove`` rooms.
    private var index: [String: Int]?
    static let hashedAbove = 8

    var isEmpty: Bool { self.records.isEmpty }
    var count: Int { self.records.count }
    /// The rooms, in no particular order.
    var rooms: [String] { self.records.map(\.room) }
    /// The open memberships, in no particular order.
    var all: [MembershipRecord] { self.records }

    private func position(of room: String) -> Int? {
        if let index = self.index { return index[room] }
        return self.records.firstIndex { $0.room == room }
    }

    private func position(of room: UnsafeRawBufferPointer) -> Int? {
        if let index = self.index { return index[String(decoding: room, as: UTF8.self)] }
        for (position, name) in self.names.enumerated() where name.count == room.count {
            let equal = name.withUnsafeBytes { $0.elementsEqual(room) }
            if equal { return position }
        }
        return nil
    }

    /// The membership of `room`; setting `nil` removes it, setting a record adds or replaces it.
    subscript(room: String) -> MembershipRecord? {
        get { self.position(of: room).map { self.records[$0] } }
        set {
            if let newValue {
                if let position = self.position(of: room) {
                    self.records[position] = newValue
                } else {
                    self.records.append(newValue)
                    self.names.append(Array(room.utf8))
                    self.rebuildIndex()
                }
            } else {
                _ = self.removeValue(forKey: room)
            }
        }
    }

    /// Removes and returns the membership of `room`.
    mutating func removeValue(forKey room: String) -> MembershipRecord? {
        guard let position = self.position(of: room) else { return nil }
        let record = self.records.remove(at: position)
        self.names.remove(at: position)
        self.rebuildIndex()
        return record
    }

    /// Removes every membership and returns them.
    mutating func removeAll() -> [MembershipRecord] {
        let records = self.records
        self.records.removeAll()
        self.names.removeAll()
        self.index = nil
        return records
    }

    /// Changes the membership of `room`, in place; nothing when the user is not in it.
    mutating func update(room: String, _ change: (inout MembershipRecord) -> Void) {
        guard let position = self.position(of: room) else { return }
        change(&self.records[position])
    }

    /// Changes the membership of the room whose name is `room` (UTF-8 bytes of a frame); nothing when the user is
    /// not in it.
    mutating func update(room: UnsafeRawBufferPointer, _ change: (inout MembershipRecord) -> Void) {
        guard let position = self.position(of: room) else { return }
        change(&self.records[position])
    }

    private mutating func rebuildIndex() {
        guard self.records.count > Self.hashedAbove else {
            self.index = nil
            return
        }
        var index: [String: Int] = [:]
        for (position, record) in self.records.enumerated() { index[record.room] = position }
        self.index = index
    }
}
