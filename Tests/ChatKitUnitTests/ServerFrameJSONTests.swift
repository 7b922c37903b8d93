import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import ChatKitTestSupport
import NIOCore
import XCTest

/// The server's hand-written frame encoder writes exactly what `JSONEncoder` (compact, sorted keys) writes:
/// clients see the same bytes whichever encoded them.
final class ServerFrameJSONTests: XCTestCase {
    private static let awkward = [
        "", "alice", "a \"quoted\" \\ back/slash", "tab\tnew\nline\rcr\u{8}bs\u{c}ff", "\u{0}\u{1}\u{1f}\u{7f}",
        "é ü 中文 😀 \u{2028}", "</script><img src=x>", String(repeating: "x", count: 3000),
    ]

    private func frames(_ text: String) -> [ServerFrame] {
        let message = ChatMessage(room: "room-1", from: text, content: text, id: text, seq: 42, ts: 1_700_000_000_123)
        let anonymous = ChatMessage(room: "r", from: "@system", content: text, id: nil, seq: 1, ts: 0)
        return [
            .welcome(name: text),
            .joined(room: "lobby", name: text, seq: 0, id: nil),
            .joined(room: "lobby", name: "n", seq: Int.max, id: text),
            .joined(room: "lobby", name: "n", seq: 9, id: text, epoch: text, recovered: true),
            .joined(room: text, name: text, seq: 9, id: nil, epoch: "0123456789abcdef", recovered: false, firstSeq: 4),
            .left(room: "lobby", seq: 7, id: text),
            .left(room: "lobby", seq: 7, id: nil),
            .history(room: "lobby", messages: [], id: nil),
            .history(room: "lobby", messages: [message, anonymous], id: text),
            .message(message),
            .message(anonymous),
            .whisper(WhisperMessage(from: "a", to: text, content: text, id: text, ts: -5)),
            .whisper(WhisperMessage(from: "a", to: "b", content: text, id: nil, ts: 9)),
            .presence(room: "lobby", name: text, event: .join),
            .presence(room: "lobby", name: text, event: .leave),
            .users(room: "lobby", names: [], id: nil),
            .users(room: "lobby", names: ["a", text, "z"], id: text),
            .error(code: .tooLong, message: text, id: text),
            .error(code: .badJSON, message: "bad", id: nil),
        ]
    }

    func testWritesTheBytesJSONEncoderWrites() {
        for text in Self.awkward {
            for frame in self.frames(text) {
                let fast = String(buffer: ServerFrameJSON.encode(frame))
                XCTAssertEqual(fast, frame.encoded(), "\(frame)")
                XCTAssertEqual(try ServerFrame.decode(fast), frame)
            }
        }
    }

    func testTheHubSendsWhatTheEncoderWrites() {
        let frame = ServerFrame.presence(room: "lobby", name: "bob", event: .join)
        XCTAssertEqual(String(buffer: ChatHub.encode(frame)), #"{"event":"join","name":"bob","room":"lobby","type":"presence"}"#)
    }
}
