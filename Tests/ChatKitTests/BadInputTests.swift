import ChatKit
import NIOCore
import Foundation
import XCTest

/// Every bad input gets a clear error, and nobody else loses anything.
final class BadInputTests: XCTestCase {
    func testEveryBadFrameGetsItsErrorCodeWhileAnotherMemberKeepsReceiving() async throws {
        try await withServer({ $0.maxContentBytes = 100 }) { server in
            let bad = try await ChatTestClient.connect(server, name: "mallory", room: "lobby")
            let witness = try await ChatTestClient.connect(server, name: "witness", room: "lobby")
            let sender = try await ChatTestClient.connect(server, name: "sender", room: "lobby")
            _ = try await bad.next()  // presence witness
            _ = try await bad.next()  // presence sender
            _ = try await witness.next()  // presence sender

            let cases: [(frame: String, code: ChatErrorCode, id: String?)] = [
                ("{not json", .badJSON, nil),
                ("[1,2,3]", .badJSON, nil),
                ("\"just a string\"", .badJSON, nil),
                (#"{"room":"lobby","id":"a1"}"#, .missingField, "a1"),
                (#"{"type":"shout","id":"a2"}"#, .unknownType, "a2"),
                (#"{"type":"say","room":"lobby","id":"a3"}"#, .missingField, "a3"),
                (#"{"type":"say","content":"x","id":"a4"}"#, .missingField, "a4"),
                (#"{"type":"say","room":"lobby","content":42,"id":"a5"}"#, .badField, "a5"),
                (#"{"type":"whisper","content":"x","id":"a6"}"#, .missingField, "a6"),
                (#"{"type":"join","room":"","id":"a7"}"#, .invalidRoom, "a7"),
                (#"{"type":"join","room":"a b","id":"a8"}"#, .invalidRoom, "a8"),
                (#"{"type":"join","room":"lobby","id":"a9"}"#, .alreadyInRoom, "a9"),
                (#"{"type":"say","room":"elsewhere","content":"x","id":"a10"}"#, .notInRoom, "a10"),
                (#"{"type":"leave","room":"elsewhere","id":"a11"}"#, .notInRoom, "a11"),
                (#"{"type":"users","room":"elsewhere","id":"a12"}"#, .notInRoom, "a12"),
                (#"{"type":"whisper","to":"ghost","content":"x","id":"a13"}"#, .unknownUser, "a13"),
                ("{\"type\":\"say\",\"room\":\"lobby\",\"content\":\"\(String(repeating: "y", count: 101))\",\"id\":\"a14\"}",
                 .tooLong, "a14"),
                (#"{"type":"say","room":"lobby","content":"x","id":7}"#, .badField, nil),
            ]
            for (index, (frame, code, id)) in cases.enumerated() {
                try bad.send(raw: frame)
                guard case .error(let gotCode, let message, let gotID) = try await bad.next() else {
                    return XCTFail("\(frame): no error frame")
                }
                XCTAssertEqual(gotCode, code, frame)
                XCTAssertEqual(gotID, id, frame)
                XCTAssertFalse(message.isEmpty, frame)

                // The bad client is still connected and the others lose nothing.
                try sender.send(.say(room: "lobby", content: "still here \(index)", id: nil))
                for member in [witness, sender, bad] {
                    guard case .message(let got) = try await member.next() else { return XCTFail("\(member.name)") }
                    XCTAssertEqual(got.content, "still here \(index)")
                    XCTAssertEqual(got.seq, index + 1)
                }
            }
            let errors = server.stats.snapshot.errors
            XCTAssertEqual(errors["bad_json"], 3)
            XCTAssertEqual(errors["missing_field"], 4)
            XCTAssertEqual(errors["too_long"], 1)
        }
    }

    func testAnIDOverTheLimitIsRefusedAndNeverKeptWhileABystanderPairLosesNothing() async throws {
        try await withServer { server in
            let attacker = try await ChatTestClient.connect(server, name: "attacker", room: "lobby")
            let speaker = try await ChatTestClient.connect(server, name: "speaker", room: "quiet")
            let listener = try await ChatTestClient.connect(server, name: "listener", room: "quiet")
            _ = try await speaker.next()  // presence listener
            let hugeID = String(repeating: "i", count: 60_000)
            let rounds = 10
            for round in 1...rounds {
                try attacker.send(.say(room: "lobby", content: "", id: hugeID))
                try speaker.send(.say(room: "quiet", content: "m\(round)", id: "q\(round)"))
            }
            for round in 1...rounds {
                guard case .error(.idTooLong, let message, nil) = try await attacker.next() else {
                    return XCTFail("round \(round): no id_too_long without an id")
                }
                XCTAssertTrue(message.contains("128 bytes"), message)
                for member in [speaker, listener] {
                    guard case .message(let got) = try await member.next() else { return XCTFail(member.name) }
                    XCTAssertEqual(got.content, "m\(round)")
                    XCTAssertEqual(got.seq, round)
                }
            }
            // An id at the limit is fine; nothing with the huge id was kept in the room's history.
            let atLimit = String(repeating: "k", count: 128)
            try attacker.send(.say(room: "lobby", content: "ok", id: atLimit))
            guard case .message(let kept) = try await attacker.next() else { return XCTFail("no message") }
            XCTAssertEqual(kept.id, atLimit)
            let late = try await ChatTestClient.connect(server, name: "late")
            try late.send(.join(room: "lobby", id: nil))
            _ = try await late.next()  // joined
            guard case .history(_, let history, _) = try await late.next() else { return XCTFail("no history") }
            XCTAssertEqual(history.map(\.id), [atLimit])
            XCTAssertEqual(server.stats.snapshot.errors["id_too_long"], rounds)
        }
    }

    func testBinaryFrameClosesWith1003() async throws {
        try await withServer { server in
            let client = try await ChatTestClient.connect(server, name: "binary")
            try client.client.send(binary: ByteBuffer(bytes: [1, 2, 3]))
            let (code, _) = try await client.closed()
            XCTAssertEqual(code, 1003)
        }
    }

    func testRateLimitAnswersRateLimitedAndKeepsTheConnection() async throws {
        try await withServer({ $0.rateLimitPerSecond = 1; $0.rateLimitBurst = 3 }) { server in
            let client = try await ChatTestClient.connect(server, name: "flood", room: "lobby")
            for index in 0..<6 {
                try client.send(.say(room: "lobby", content: "m\(index)", id: "r\(index)"))
            }
            var delivered = 0
            var limited: [String] = []
            for _ in 0..<6 {
                switch try await client.next() {
                case .message: delivered += 1
                case .error(.rateLimited, _, let id): limited.append(id ?? "")
                case let other: XCTFail("unexpected \(other)")
                }
            }
            XCTAssertEqual(delivered, 3, "the burst goes through")
            XCTAssertEqual(limited, ["r3", "r4", "r5"])
            XCTAssertEqual(server.stats.snapshot.errors["rate_limited"], 3)
        }
    }

    func testMemberThatNeverReadsIsDroppedWhileOthersKeepReceiving() async throws {
        let messages = 1500
        try await withServer({ $0.webSocket.sendQueueLimit = 32 }) { server in
            let stuck = try await RawTCPClient.connect(port: server.port, autoRead: false, receiveBufferBytes: 4096)
            try await stuck.sendUpgrade(target: "/ws?name=stuck&room=lobby")
            try await eventually("stuck joined") { server.hub.memberDetails(room: "lobby")?.count == 1 }
            let reader = try await ChatTestClient.connect(server, name: "reader", room: "lobby")
            let sender = try await ChatTestClient.connect(server, name: "sender", room: "lobby")
            try await reader.expect(.presence(room: "lobby", name: "sender", event: .join))

            // The sender keeps a window of messages in flight, as a real client does; the reader keeps up;
            // the stuck member falls behind by the whole run and must be dropped without slowing them.
            let content = String(repeating: "z", count: 4000)
            let window = 20
            var seqs: [Int] = []
            var sawStuckLeave = false
            for batch in 0..<(messages / window) {
                for index in 0..<window {
                    try sender.send(.say(room: "lobby", content: content, id: "\(batch * window + index)"))
                }
                for member in [sender, reader] {
                    var received = 0
                    while received < window {
                        switch try await member.next() {
                        case .message(let message):
                            received += 1
                            if member === reader { seqs.append(message.seq) }
                        case .presence("lobby", "stuck", .leave):
                            if member === reader { sawStuckLeave = true }
                        case let other:
                            XCTFail("unexpected \(other)")
                        }
                    }
                }
            }
            if !sawStuckLeave {
                try await reader.expect(.presence(room: "lobby", name: "stuck", event: .leave))
                sawStuckLeave = true
            }
            XCTAssertEqual(seqs, Array(1...messages), "the reader lost or reordered messages")
            XCTAssertTrue(sawStuckLeave, "the stuck member was not dropped")
            XCTAssertEqual(server.stats.snapshot.slowConsumersDropped, 1)
            XCTAssertEqual(server.hub.memberDetails(room: "lobby")?.map(\.name), ["reader", "sender"])
            await stuck.close()
        }
    }

    func testCrossSiteOriginIsRefusedUnlessAllowed() async throws {
        try await withServer({ $0.allowedOrigins = ["https://chat.example.com"] }) { server in
            func connect(origin: String?) async throws -> Int {
                var configuration = ClientConfiguration()
                if let origin { configuration.headers = [("Origin", origin)] }
                do {
                    let client = try await WebSocketClient.connect(
                        to: "\(server.url)?name=o\(Int.random(in: 0..<1_000_000))", configuration: configuration)
                    await client.close()
                    return 101
                } catch let WebSocketClientError.handshakeRejected(status, body) {
                    XCTAssertTrue(body.contains("origin_not_allowed"), body)
                    return status
                }
            }
            let evil = try await connect(origin: "https://evil.example")
            XCTAssertEqual(evil, 403)
            let allowed = try await connect(origin: "https://chat.example.com")
            XCTAssertEqual(allowed, 101)
            let noOrigin = try await connect(origin: nil)
            XCTAssertEqual(noOrigin, 101)
            let sameOrigin = try await connect(origin: "http://127.0.0.1:\(server.port)")
            XCTAssertEqual(sameOrigin, 101)
        }
    }
}
