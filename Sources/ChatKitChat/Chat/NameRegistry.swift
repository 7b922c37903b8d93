import NIOConcurrencyHelpers
import NIOCore

/// Who is connected, by name: the hub's registry of names, behind a lock of its own that no room request
/// takes. Two names with one ``NameKey`` look alike, so only one of them can be registered or reserved.
package final class NameRegistry: @unchecked Sendable {
    private let lock = NIOLock()
    /// Members by name (lock).
    private var members: [String: ChatMember] = [:]
    /// The ``NameKey`` of each member's name, to that name (lock).
    private var keys: [String: String] = [:]
    /// Name keys promised to connections whose upgrade is in flight, by channel (lock).
    private var reservations: [String: ObjectIdentifier] = [:]
    /// Name keys Redis said another node has, and until when to believe it (lock): lets the HTTP answer to a
    /// refused upgrade say `409 name_taken`.
    private var takenElsewhere: [String: NIODeadline] = [:]

    /// Whether the name with `key`, or one that looks like it, is registered, reserved or held elsewhere.
    func isTaken(key: String) -> Bool {
        self.lock.withLock {
            if self.keys[key] != nil || self.reservations[key] != nil { return true }
            guard let until = self.takenElsewhere[key] else { return false }
            if until > .now() { return true }
            self.takenElsewhere[key] = nil
            return false
        }
    }

    /// Promises `key` to the connection `owner`; `false` when it is registered or promised already.
    package func reserve(key: String, for owner: ObjectIdentifier) -> Bool {
        self.lock.withLock {
            if self.keys[key] != nil || self.reservations[key] != nil { return false }
            self.reservations[key] = owner
            return true
        }
    }

    /// Whether `key` is still promised to `owner`.
    func isReserved(key: String, for owner: ObjectIdentifier) -> Bool {
        self.lock.withLock { self.reservations[key] == owner }
    }

    /// Withdraws the promise of `key` to `owner`, if it still holds; `true` when it did. With
    /// `takenElsewhere`, the name is remembered as held by another node for 2 s.
    @discardableResult
    func cancelReservation(key: String, for owner: ObjectIdentifier, takenElsewhere: Bool = false) -> Bool {
        self.lock.withLock {
            if takenElsewhere { self.takenElsewhere[key] = .now() + .seconds(2) }
            guard self.reservations[key] == owner else { return false }
            self.reservations[key] = nil
            return true
        }
    }

    /// Registers `member` in place of its reservation.
    package func register(_ member: ChatMember) {
        self.lock.withLock {
            self.reservations[member.nameKey] = nil
            self.members[member.name] = member
            self.keys[member.nameKey] = member.name
        }
    }

    /// Removes `member`; `false` when it was not the registered holder of its name.
    func unregister(_ member: ChatMember) -> Bool {
        self.lock.withLock {
            guard self.members[member.name] === member else { return false }
            self.members[member.name] = nil
            self.keys[member.nameKey] = nil
            return true
        }
    }

    /// Whether `member` is the registered holder of its name.
    package func isRegistered(_ member: ChatMember) -> Bool {
        self.lock.withLock { self.members[member.name] === member }
    }

    /// The member called `name`, or else the one whose name looks like it.
    package func member(named name: String) -> ChatMember? {
        self.lock.withLock {
            if let member = self.members[name] { return member }
            return self.keys[NameKey.of(name)].flatMap { self.members[$0] }
        }
    }

    /// The member called exactly `name`.
    package func member(exactly name: String) -> ChatMember? {
        self.lock.withLock { self.members[name] }
    }

    /// The member holding the name with `key`.
    package func member(key: String) -> ChatMember? {
        self.lock.withLock { self.keys[key].flatMap { self.members[$0] } }
    }

    /// The keys of every registered name, sorted.
    package var sortedKeys: [String] {
        self.lock.withLock { self.keys.keys.sorted() }
    }

    /// Whether a name with `key` is registered.
    package func isRegistered(key: String) -> Bool {
        self.lock.withLock { self.keys[key] != nil }
    }
}
