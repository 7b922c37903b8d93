import ChatKit
import Foundation
import XCTest

/// Names that cannot impersonate: checked over real connections (the upgrade's answer, or the `welcome`).
final class NameRulesTests: XCTestCase {
    private enum Outcome: Equatable {
        /// Connected; the `welcome` carries this name.
        case welcome(String)
        /// The upgrade was refused with this status and `error` code.
        case refused(Int, String)
    }

    /// Connects as `name` and tells what happened; a connection that opens stays open until the test ends.
    private func connect(
        _ server: ChatServer, name: String, room: String? = nil, keep: inout [ChatTestClient]
    ) async throws -> Outcome {
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        var url = "\(server.url)?name=\(encoded)"
        if let room { url += "&room=" + (room.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? room) }
        do {
            let client = ChatTestClient(name: name, client: try await WebSocketClient.connect(to: url))
            keep.append(client)
            guard case .welcome(let welcomed) = try await client.next() else { throw TestTimeout(what: "welcome") }
            return .welcome(welcomed)
        } catch let WebSocketClientError.handshakeRejected(status, body) {
            let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String]
            XCTAssertFalse((json?["message"] ?? "").isEmpty, "\(name.unicodeScalars.map(\.value)): \(body)")
            return .refused(status, json?["error"] ?? "?")
        }
    }

    func testLookAlikeInvisibleAndOversizedNamesAreRefused() async throws {
        try await withServer { server in
            var clients: [ChatTestClient] = []
            let first = try await self.connect(server, name: "alice", keep: &clients)
            XCTAssertEqual(first, .welcome("alice"))
            let taken = Outcome.refused(409, "name_taken")
            let invalid = Outcome.refused(400, "invalid_name")
            let cases: [(name: String, expected: Outcome, why: String)] = [
                ("Zoë", .welcome("Zoë"), "letters of any script"),
                ("bob-2.x_y", .welcome("bob-2.x_y"), "digits and - _ ."),
                ("e\u{301}ric", .welcome("\u{E9}ric"), "normalized to NFC"),
                ("ALICE", taken, "case-folded key equals alice's"),
                ("\u{430}lice", taken, "Cyrillic а looks like Latin a"),
                ("\u{410}LICE", taken, "Cyrillic capital А looks like Latin A"),
                ("\u{3B1}lice", taken, "Greek α looks like Latin a"),
                ("\u{FF41}\u{FF4C}\u{FF49}\u{FF43}\u{FF45}", taken, "fullwidth letters: NFKC gives alice"),
                ("\u{1D41A}\u{1D425}\u{1D422}\u{1D41C}\u{1D41E}", taken, "math bold letters: NFKC gives alice"),
                ("alice\u{3164}", invalid, "U+3164 Hangul filler is default-ignorable"),
                ("\u{3164}\u{3164}", invalid, "only fillers: invisible"),
                ("\u{115F}\u{1160}", invalid, "only Hangul choseong/jungseong fillers"),
                ("ali\u{200B}ce", invalid, "zero-width space (Cf)"),
                ("\u{202E}ecila", invalid, "right-to-left override (Cf)"),
                ("bob\u{FE0F}", invalid, "variation selector (default-ignorable)"),
                ("a\u{2028}b", invalid, "line separator"),
                ("a" + String(repeating: "\u{301}", count: 8000), invalid, "16 KB: over 64 bytes"),
                ("x\u{301}\u{302}\u{303}", invalid, "3 combining marks on one character"),
                ("\u{301}bc", invalid, "starts with a combining mark"),
                (String(repeating: "日", count: 22), invalid, "22 characters but 66 bytes"),
                (String(repeating: "x", count: 33), invalid, "33 characters"),
            ]
            for (name, expected, why) in cases {
                let got = try await self.connect(server, name: name, keep: &clients)
                XCTAssertEqual(got, expected, "\(name.unicodeScalars.prefix(8).map(\.value)): \(why)")
            }
            let invalidRoom = Outcome.refused(400, "invalid_room")
            let roomCases: [(room: String, why: String)] = [
                ("lob\u{200B}by", "zero-width space"),
                (String(repeating: "日", count: 43), "43 characters but 129 bytes"),
                ("r\u{3164}", "Hangul filler"),
            ]
            for (room, why) in roomCases {
                let got = try await self.connect(server, name: "roomtester", room: room, keep: &clients)
                XCTAssertEqual(got, invalidRoom, why)
            }
            // A whisper to a look-alike of a connected name reaches that user, under their own name.
            let alice = clients[0]
            let zoe = clients[1]
            try zoe.send(.whisper(to: "ALICE", content: "psst", id: "w1"))
            guard case .whisper(let whisper) = try await alice.next() else { return XCTFail("alice got no whisper") }
            XCTAssertEqual(whisper.to, "alice")
            XCTAssertEqual(whisper.from, "Zoë")

            // The other way round: a Cyrillic аlice keeps the Latin alice out.
            await alice.close()
            try await eventually("alice released") { !server.hub.isNameTaken("alice") }
            let cyrillic = try await self.connect(server, name: "\u{430}lice", keep: &clients)
            XCTAssertEqual(cyrillic, .welcome("\u{430}lice"))
            let latin = try await self.connect(server, name: "alice", keep: &clients)
            XCTAssertEqual(latin, taken)
            for client in clients { await client.close() }
        }
    }

    func testJoinRefusesRoomNamesThatBreakTheCharacterRules() async throws {
        try await withServer { server in
            let client = try await ChatTestClient.connect(server, name: "joiner")
            let rooms = [
                "lob\u{200B}by", "r\u{3164}", String(repeating: "日", count: 43), "x\u{301}\u{302}\u{303}",
                "\u{202E}moor",
            ]
            for (index, room) in rooms.enumerated() {
                try client.send(.join(room: room, id: "j\(index)"))
                guard case .error(.invalidRoom, let message, "j\(index)") = try await client.next() else {
                    return XCTFail("room \(room.unicodeScalars.prefix(8).map(\.value)) was not refused")
                }
                XCTAssertFalse(message.isEmpty)
            }
            XCTAssertEqual(server.hub.roomCount, 0)
        }
    }
}
