import ChatKit
import XCTest

/// The chat protocol over real loopback connections: a ChatServer on port 0 and real ChatKit clients.
final class ChatProtocolTests: XCTestCase {
    func testJoinSayPresenceUsersLeave() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let bob = try await ChatTestClient.connect(server, name: "bob")

            let (seq, history) = try await bob.join("lobby")
            XCTAssertEqual(seq, 0)
            XCTAssertEqual(history, [])
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))

            try alice.send(.say(room: "lobby", content: "hello", id: "m1"))
            for member in [alice, bob] {
                guard case .message(let message) = try await member.next() else { return XCTFail("no message") }
                XCTAssertEqual(message.room, "lobby")
                XCTAssertEqual(message.from, "alice")
                XCTAssertEqual(message.content, "hello")
                XCTAssertEqual(message.id, "m1")
                XCTAssertEqual(message.seq, 1)
                XCTAssertGreaterThan(message.ts, 1_700_000_000_000)
            }

            try bob.send(.users(room: "lobby", id: "u1"))
            try await bob.expect(.users(room: "lobby", names: ["alice", "bob"], id: "u1"))

            try bob.send(.leave(room: "lobby", id: "l1"))
            try await bob.expect(.left(room: "lobby", seq: 1, id: "l1"))
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))

            // Disconnecting counts as leaving every room.
            try await bob.join("lobby")
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .join))
            await bob.close()
            try await alice.expect(.presence(room: "lobby", name: "bob", event: .leave))
            try alice.send(.users(room: "lobby", id: nil))
            try await alice.expect(.users(room: "lobby", names: ["alice"], id: nil))
        }
    }

    func testHistoryReplaysTheLastMessagesOnJoin() async throws {
        try await withServer({ $0.historySize = 3 }) { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "news")
            for index in 1...5 {
                try alice.send(.say(room: "news", content: "item \(index)", id: nil))
                _ = try await alice.next()
            }
            let carol = try await ChatTestClient.connect(server, name: "carol")
            let (seq, history) = try await carol.join("news")
            XCTAssertEqual(seq, 5)
            XCTAssertEqual(history.map(\.content), ["item 3", "item 4", "item 5"])
            XCTAssertEqual(history.map(\.seq), [3, 4, 5])

            // The next message continues the sequence right after the join's seq.
            try alice.send(.say(room: "news", content: "item 6", id: nil))
            guard case .message(let next) = try await carol.next(where: { frame -> ServerFrame? in
                if case .message = frame { return frame } else { return nil }
            }) else { return XCTFail() }
            XCTAssertEqual(next.seq, 6)
        }
    }

    func testRoomIsRemovedWhenEmptyAndStartsOverWhenRecreated() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "tmp")
            try alice.send(.say(room: "tmp", content: "x", id: nil))
            _ = try await alice.next()
            XCTAssertEqual(server.hub.roomSummaries().map(\.name), ["tmp"])
            try alice.send(.leave(room: "tmp", id: nil))
            _ = try await alice.next()
            XCTAssertEqual(server.hub.roomSummaries(), [])
            let (seq, history) = try await alice.join("tmp")
            XCTAssertEqual(seq, 0)
            XCTAssertEqual(history, [])
        }
    }

    func testSeqIsGapFreeAndOrderedForEveryMemberWithConcurrentSenders() async throws {
        let senders = 4
        let perSender = 150
        try await withServer { server in
            var members: [ChatTestClient] = []
            for index in 0..<6 {
                members.append(try await ChatTestClient.connect(server, name: "m\(index)", room: "busy"))
            }
            // Everyone joined: wait until each has seen the presence of all who came after it.
            for (index, member) in members.enumerated() {
                for _ in (index + 1)..<members.count { _ = try await member.next() }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sender in members.prefix(senders) {
                    group.addTask {
                        for index in 0..<perSender {
                            try sender.send(.say(room: "busy", content: "\(sender.name)#\(index)", id: "\(index)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = senders * perSender
            for member in members {
                var lastIndexBySender: [String: Int] = [:]
                for expectedSeq in 1...total {
                    guard case .message(let message) = try await member.next() else {
                        return XCTFail("\(member.name) got something else than a message")
                    }
                    XCTAssertEqual(message.seq, expectedSeq, "\(member.name): gap, duplicate or reordering")
                    // Each sender's messages also arrive in the order it sent them.
                    let index = Int(message.id ?? "") ?? -1
                    XCTAssertEqual(index, (lastIndexBySender[message.from] ?? -1) + 1, "\(member.name) from \(message.from)")
                    lastIndexBySender[message.from] = index
                }
                XCTAssertEqual(lastIndexBySender.count, senders)
            }
            XCTAssertEqual(server.hub.roomSummaries().first?.seq, total)
        }
    }

    func testWhisperReachesOnlyTheAddresseeAndEchoesToTheSender() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "lobby")
            let eve = try await ChatTestClient.connect(server, name: "eve", room: "lobby")
            _ = try await alice.next()  // presence bob
            _ = try await alice.next()  // presence eve
            _ = try await bob.next()  // presence eve

            try alice.send(.whisper(to: "bob", content: "secret", id: "w1"))
            for member in [bob, alice] {
                guard case .whisper(let whisper) = try await member.next() else { return XCTFail("no whisper") }
                XCTAssertEqual(whisper.from, "alice")
                XCTAssertEqual(whisper.to, "bob")
                XCTAssertEqual(whisper.content, "secret")
                XCTAssertEqual(whisper.id, "w1")
            }
            // Eve sees the next room message and nothing before it: the whisper did not leak.
            try alice.send(.say(room: "lobby", content: "public", id: nil))
            guard case .message(let message) = try await eve.next() else { return XCTFail("eve saw something else") }
            XCTAssertEqual(message.content, "public")

            try alice.send(.whisper(to: "nobody", content: "hello?", id: "w2"))
            _ = try await alice.next()  // alice's own room message
            guard case .error(.unknownUser, _, "w2") = try await alice.next() else { return XCTFail("no unknown_user") }
        }
    }

    func testNameTakenAndInvalidNamesAreRefusedBeforeTheUpgrade() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice")
            _ = alice
            let cases: [(query: String, status: Int, code: String)] = [
                ("name=alice", 409, "name_taken"),
                ("name=", 400, "invalid_name"),
                ("", 400, "invalid_name"),
                ("name=\(String(repeating: "x", count: 33))", 400, "invalid_name"),
                ("name=bad%01name", 400, "invalid_name"),
                ("name=has%20space", 400, "invalid_name"),
                ("name=%40system", 400, "invalid_name"),
                ("name=ok&room=bad%20room", 400, "invalid_room"),
            ]
            for (query, status, code) in cases {
                do {
                    _ = try await WebSocketClient.connect(to: "\(server.url)?\(query)")
                    XCTFail("\(query) was accepted")
                } catch let WebSocketClientError.handshakeRejected(gotStatus, body) {
                    XCTAssertEqual(gotStatus, status, query)
                    let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String]
                    XCTAssertEqual(json?["error"], code, query)
                    XCTAssertFalse((json?["message"] ?? "").isEmpty, query)
                }
            }
            // A refused name can be used once its holder has gone.
            await alice.close()
            try await eventually("alice released") { !server.hub.isNameTaken("alice") }
            _ = try await ChatTestClient.connect(server, name: "alice")
        }
    }

    func testOperatorAnnouncementHasItsOwnSeq() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "lobby")
            try alice.send(.say(room: "lobby", content: "one", id: nil))
            _ = try await alice.next()
            let announced = server.hub.announce(room: "lobby", content: "maintenance at noon")
            XCTAssertEqual(announced?.seq, 2)
            guard case .message(let message) = try await alice.next() else { return XCTFail() }
            XCTAssertEqual(message.from, "@system")
            XCTAssertEqual(message.seq, 2)
            XCTAssertNil(server.hub.announce(room: "nowhere", content: "x"))
        }
    }
}
