import ChatKit
import FuzzSupport

/// What one chat member's stream of server frames promises (docs/protocol.md): `welcome` first and once;
/// in each room, from `joined` (the room's last seq) on, every message with the next seq and no gap, up
/// to `left` (whose seq is the last one received); history before the join; nothing about a room the
/// member is not in; whispers only to or from the member.
struct ChatStreamInvariants {
    private var name: String?
    /// The last seq received in each room the member is in.
    private var lastSeq: [String: Int] = [:]

    /// The name the server welcomed the member with.
    var welcomedName: String? { self.name }

    mutating func check(_ frame: ServerFrame, index: Int) {
        guard let name = self.name else {
            guard case .welcome(let name) = frame else { fuzzFail("frame \(index) is \(frame), not welcome") }
            self.name = name
            return
        }
        switch frame {
        case .welcome:
            fuzzFail("frame \(index) is a second welcome")
        case .joined(let room, let joinedName, let seq, _, _, _, _):
            fuzzRequire(joinedName == name, "\(name) joined \(room) as \(joinedName)")
            fuzzRequire(self.lastSeq[room] == nil, "\(name) joined \(room) twice")
            fuzzRequire(seq >= 0, "joined \(room) at seq \(seq)")
            self.lastSeq[room] = seq
        case .history(let room, let messages, _):
            guard let joinedSeq = self.lastSeq[room] else { fuzzFail("history of \(room), which \(name) is not in") }
            let seqs = messages.map(\.seq)
            fuzzRequire(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "history of \(room): seqs \(seqs)")
            fuzzRequire(seqs.allSatisfy { $0 >= 1 && $0 <= joinedSeq }, "history of \(room) after seq \(joinedSeq)")
            fuzzRequire(messages.allSatisfy { $0.room == room }, "history of \(room) with another room's messages")
        case .message(let message):
            guard let last = self.lastSeq[message.room] else {
                fuzzFail("\(name) got a message in \(message.room), which it is not in")
            }
            fuzzRequire(message.seq == last + 1, "\(name) got seq \(message.seq) in \(message.room) after \(last)")
            self.lastSeq[message.room] = message.seq
        case .left(let room, let seq, _):
            guard let last = self.lastSeq.removeValue(forKey: room) else {
                fuzzFail("\(name) left \(room), which it is not in")
            }
            fuzzRequire(seq == last, "\(name) left \(room) at seq \(seq) but received up to \(last)")
        case .presence(let room, let other, _):
            fuzzRequire(self.lastSeq[room] != nil, "\(name) got presence in \(room), which it is not in")
            fuzzRequire(other != name, "\(name) got its own presence in \(room)")
        case .whisper(let whisper):
            fuzzRequire(
                whisper.from == name || whisper.to == name, "\(name) got a whisper from \(whisper.from) to \(whisper.to)")
        case .users(_, let names, _, _):
            fuzzRequire(names == names.sorted(), "users not sorted: \(names)")
        case .error(let code, let message, _):
            fuzzRequire(!code.rawValue.isEmpty && !message.isEmpty, "an error frame without code or message")
        }
    }
}
