import ChatKit
import XCTest

/// What a `join` with `since` got: the `joined` frame's fields and the `history` that followed it.
package struct RecoveringJoinReply: Sendable {
    package var seq: Int
    package var epoch: String?
    package var recovered: Bool?
    package var firstSeq: Int?
    package var messages: [ChatMessage]
}

extension ChatTestClient {
    /// Sends `join {room, since, epoch}` and reads the `joined` and `history` frames it gets.
    package func join(_ room: String, since: Int, epoch: String? = nil) async throws -> RecoveringJoinReply {
        let id = "rejoin-\(room)-\(since)"
        try self.send(.join(room: room, id: id, since: since, epoch: epoch))
        let joined = try await self.next()
        guard case .joined(room, self.name, let seq, id, let gotEpoch, let recovered, let firstSeq) = joined else {
            XCTFail("expected joined for \(room), got \(joined)")
            throw TestTimeout(what: "joined")
        }
        guard case .history(room, let messages, id) = try await self.next() else { throw TestTimeout(what: "history") }
        return RecoveringJoinReply(
            seq: seq, epoch: gotEpoch, recovered: recovered, firstSeq: firstSeq, messages: messages)
    }

    /// Reads `count` messages of `room` (skipping presence), in arrival order.
    package func messages(_ count: Int, in room: String) async throws -> [ChatMessage] {
        var messages: [ChatMessage] = []
        while messages.count < count {
            let message: ChatMessage = try await self.next { frame in
                if case .message(let message) = frame, message.room == room { return message }
                return nil
            }
            messages.append(message)
        }
        return messages
    }
}
