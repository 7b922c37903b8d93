/// What a shard's report keeps of one room, so that `chatctl report merge` can count delivery up to the whole
/// run's last seq of the room and not only up to the last seq this shard's members saw: copies sent after it
/// reached none of them, and a shard alone cannot know they exist.
public struct RoomTail: Codable, Sendable, Equatable {
    /// The highest seq this shard's members saw.
    public var lastSeq: Int
    /// Memberships expected up to the room's last seq (still open at the end, or lost with a connection that
    /// never came back) that joined at or before `lastSeq`.
    public var membersToLast: Int
    /// The join seqs of such memberships that joined after `lastSeq` (they have seen nothing yet).
    public var joinedAfterLast: [Int]

    public init(lastSeq: Int, membersToLast: Int, joinedAfterLast: [Int] = []) {
        self.lastSeq = lastSeq
        self.membersToLast = membersToLast
        self.joinedAfterLast = joinedAfterLast
    }

    /// Copies these memberships should also have received if the room's last seq was `wholeLastSeq`: all of
    /// them missed, since none of these members saw anything above `lastSeq`.
    public func copiesMissed(upTo wholeLastSeq: Int) -> Int {
        guard wholeLastSeq > self.lastSeq else { return 0 }
        return (wholeLastSeq - self.lastSeq) * self.membersToLast
            + self.joinedAfterLast.reduce(0) { $0 + max(0, wholeLastSeq - $1) }
    }

    /// The same memberships seen against a higher last seq (`wholeLastSeq`), as a merge of shards hands on.
    func raised(to wholeLastSeq: Int) -> RoomTail {
        guard wholeLastSeq > self.lastSeq else { return self }
        let reached = self.joinedAfterLast.filter { $0 <= wholeLastSeq }
        return RoomTail(
            lastSeq: wholeLastSeq, membersToLast: self.membersToLast + reached.count,
            joinedAfterLast: self.joinedAfterLast.filter { $0 > wholeLastSeq })
    }

    /// The tail of every room in these accounts (a shard's users).
    static func tails(_ accounts: [UserAccounting]) -> [String: RoomTail] {
        var tails = UserAccounting.lastSeqByRoom(accounts).mapValues { RoomTail(lastSeq: $0, membersToLast: 0) }
        for account in accounts {
            for membership in account.memberships {
                switch membership.end {
                case .open, .disconnected(nil):
                    let joined = membership.tracker.startAfter
                    if joined <= tails[membership.room]?.lastSeq ?? 0 {
                        tails[membership.room]?.membersToLast += 1
                    } else {
                        tails[membership.room]?.joinedAfterLast.append(joined)
                    }
                case .left, .disconnected(.some):
                    break
                }
            }
        }
        return tails
    }
}
