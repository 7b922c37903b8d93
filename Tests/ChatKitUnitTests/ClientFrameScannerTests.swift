import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import ChatKitTestSupport
import NIOCore
import XCTest

/// The server's byte scanner for client frames takes the common shapes and answers exactly as Foundation's
/// parser does for every input, whichever of the two reads it.
final class ClientFrameScannerTests: XCTestCase {
    private func scanned(_ text: String) -> ClientFrame? {
        ByteBuffer(string: text).withUnsafeReadableBytes { ClientFrameScanner.decode($0) }
    }

    private func assertSameAnswer(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let reference = ClientFrame.decodeWithFoundation(text)
        XCTAssertEqual(ClientFrame.decode(text), reference, text, file: file, line: line)
        XCTAssertEqual(ClientFrame.decode(ByteBuffer(string: text)), reference, text, file: file, line: line)
        if let fast = self.scanned(text) {
            XCTAssertEqual(Result.success(fast), reference, "scanner: \(text)", file: file, line: line)
        }
    }

    func testCommonFramesAreReadFromTheirBytes() {
        let frames: [ClientFrame] = [
            .say(room: "lobby", content: "hello, world: {not json} [1,2]", id: "7"),
            .say(room: "r", content: "", id: nil),
            .whisper(to: "alice", content: "psst — ünïcödé 🎉", id: "w1.2.3"),
            .join(room: "room-1", id: "join"),
            .leave(room: "room-1", id: nil),
            .users(room: "lobby", id: "u"),
        ]
        for frame in frames {
            let text = frame.encoded()
            XCTAssertEqual(self.scanned(text), frame, text)
            self.assertSameAnswer(text)
        }
        // Whitespace anywhere JSON allows it, keys in any order, fields the type does not need.
        let spaced = " \n{ \"content\" : \"hi\" ,\t\"type\":\"say\", \"room\":\"r\", \"to\":\"x\" }\r\n"
        XCTAssertEqual(self.scanned(spaced), .say(room: "r", content: "hi", id: nil))
        self.assertSameAnswer(spaced)
    }

    func testEverythingElseGetsFoundationsAnswer() {
        let texts = [
            #"{"type":"say","room":"r","content":"a\"b"}"#,  // escape
            #"{"type":"say","room":"r","content":"a\u0041"}"#,
            "{\"type\":\"say\",\"room\":\"r\",\"content\":\"tab\there\"}",  // raw control character
            #"{"type":"say","room":"r","room":"s","content":"x"}"#,  // duplicate key
            #"{"type":"say","room":"r","content":"x","extra":1}"#,  // unknown key
            #"{"type":"say","room":"r","content":null}"#,
            #"{"type":"say","room":"r","content":5}"#,
            #"{"type":"say","room":"r"}"#,  // missing field
            #"{"type":"whisper","content":"x"}"#,
            #"{"type":"shout","room":"r"}"#,
            #"{"type":"say","room":"r","content":"x"} trailing"#,
            #"{"type":"say","room":"r","content":"x"}}"#,
            #"{"type":"say","room":"r","content":"x",}"#,
            #"{"room":"r","content":"x"}"#,  // no type
            #"{"type":"join","room":"r","id":7}"#,
            #"{"type":"join","room":"r","id":null}"#,
            "{}", "[]", "", "null", "\"say\"", "{\"type\"", "{\"type\":\"join\",\"room\":\"r\"",
        ]
        for text in texts { self.assertSameAnswer(text) }
    }

    func testRandomFramesGetTheSameAnswerFromBothReaders() {
        var generator = SystemRandomNumberGenerator()
        let keys = ["type", "room", "content", "to", "id", "tipe", "x"]
        let types = ["say", "whisper", "join", "leave", "users", "sa", "nope"]
        let pieces = ["a", "room-1", "", " ", "\\\"", "\\n", "\\u00e9", "é", "🎉", "\t", "{", "}", ",", ":", "\u{7F}"]
        let spaces = ["", " ", "\n", "\t "]
        var scannedFrames = 0
        let needed = ["say": ["room", "content"], "whisper": ["to", "content"], "join": ["room"], "leave": ["room"],
                      "users": ["room"]]
        let plain = ["a", "room-1", "", " ", "é", "🎉", "{", "}", ",", ":", "\u{7F}", "[1]"]
        for iteration in 0..<3000 {
            var members: [String] = []
            let space = { spaces.randomElement(using: &generator) ?? "" }
            if iteration.isMultiple(of: 2) {
                // The common shape: a known type, the fields it needs, maybe an id, plain strings, any order.
                let type = needed.keys.sorted().randomElement(using: &generator) ?? "say"
                var fields = (needed[type] ?? []) + (Bool.random(using: &generator) ? ["id"] : [])
                fields.shuffle(using: &generator)
                members.append("\(space())\"type\"\(space()):\(space())\"\(type)\"\(space())")
                for field in fields {
                    let value = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                        plain.randomElement(using: &generator) ?? "a"
                    }.joined()
                    members.append("\(space())\"\(field)\"\(space()):\(space())\"\(value)\"\(space())")
                }
                members.shuffle(using: &generator)
            }
            for _ in 0..<(iteration.isMultiple(of: 2) ? 0 : Int.random(in: 0...5, using: &generator)) {
                let key = keys.randomElement(using: &generator) ?? "type"
                let value: String
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: value = "null"
                case 1: value = "\(Int.random(in: -5...5, using: &generator))"
                case 2: value = "[\"a\"]"
                default:
                    let text = key == "type" && Bool.random(using: &generator)
                        ? (types.randomElement(using: &generator) ?? "say")
                        : (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                            pieces.randomElement(using: &generator) ?? "a"
                        }.joined()
                    value = "\"\(text)\""
                }
                members.append("\(space())\"\(key)\"\(space()):\(space())\(value)\(space())")
            }
            var text = "{" + members.joined(separator: ",") + "}"
            if Int.random(in: 0..<20, using: &generator) == 0 { text.removeLast() }
            self.assertSameAnswer(text)
            if self.scanned(text) != nil { scannedFrames += 1 }
        }
        // Both readers were exercised: the generator makes frames of the common shape too.
        XCTAssertGreaterThan(scannedFrames, 1000)
    }
}
