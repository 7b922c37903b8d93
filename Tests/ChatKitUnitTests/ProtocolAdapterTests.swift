import Foundation
import XCTest

@testable import ChatKitLoad

/// The adapters without sockets: frame templates, JSON Pointers, Socket.IO's framing, and the marker accounting.
final class ProtocolAdapterTests: XCTestCase {
    func testTemplatesEscapeWhatTheyFillIn() throws {
        let template = try JSONFrameTemplate(["op": "publish", "channel": "{room}", "data": ["text": "{text}"]])
        XCTAssertEqual(template.placeholders, ["room", "text"])
        let frame = template.render(["room": "lobby", "text": "say \"hi\"\\\n\u{1}{room}"])
        let decoded = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: Any])
        XCTAssertEqual(decoded["channel"] as? String, "lobby")
        XCTAssertEqual((decoded["data"] as? [String: Any])?["text"] as? String, "say \"hi\"\\\n\u{1}{room}")
        // Braces that are not placeholders stay as they are.
        XCTAssertEqual(try JSONFrameTemplate(["a": "{x}{"]).render([:]), #"{"a":"{x}{"}"#)
        XCTAssertThrowsError(try JSONFrameTemplate("publish {text}"))
    }

    func testPointersFollowRFC6901() throws {
        let root = try JSONSerialization.jsonObject(with: Data(#"{"a/b":{"m~n":[10,"x"]},"":1}"#.utf8))
        XCTAssertEqual(JSONPointer("/a~1b/m~0n/1")?.string(in: root), "x")
        XCTAssertEqual(JSONPointer("/a~1b/m~0n/0")?.string(in: root), "10")
        XCTAssertEqual(JSONPointer("/")?.string(in: root), "1")
        XCTAssertNil(JSONPointer("/a~1b/m~0n/01")?.value(in: root), "a leading zero is not an index")
        XCTAssertNil(JSONPointer("/a~1b/m~0n/2")?.value(in: root))
        XCTAssertNil(JSONPointer("/missing")?.value(in: root))
        XCTAssertNil(JSONPointer("a"))
        XCTAssertNil(JSONPointer("/a~2"))
        XCTAssertNil(JSONPointer("/a~"))
    }

    func testSocketIOFraming() throws {
        var settings = try XCTUnwrap(ScenarioParser.parse(Data("""
            {"name": "s", "protocol": "socketio", "socketio": {"namespace": "/chat", "auth": {"token": "{token}"}},
             "connection": {"tokensFile": "t"}, "target": "ws://h:1/",
             "groups": [{"name": "g", "count": 1}], "phases": [{"type": "rampUp", "duration": "1s"}]}
            """.utf8)).socketio)
        let adapter = SocketIOAdapter(settings: settings, userValues: ["token": "t\"0"])
        XCTAssertEqual(adapter.events(in: #"0{"sid":"x","pingInterval":25000}"#), [.reply(#"40/chat,{"token":"t\"0"}"#)])
        XCTAssertEqual(adapter.events(in: "2"), [.reply("3")])
        XCTAssertEqual(adapter.events(in: "2probe"), [.reply("3probe")])
        XCTAssertEqual(adapter.events(in: #"40/chat,{"sid":"y"}"#), [.ready])
        XCTAssertEqual(adapter.events(in: #"40{"sid":"y"}"#), [], "another namespace")
        XCTAssertEqual(adapter.events(in: "43/chat,7[true]"), [.joined(room: nil, ackID: 7)])
        XCTAssertEqual(adapter.joinFrame(room: "lobby", ackID: 7), #"42/chat,7["join","lobby"]"#)
        XCTAssertEqual(adapter.sayFrame(room: "lobby", text: "hi"), #"42/chat,["message",{"room":"lobby","text":"hi"}]"#)
        XCTAssertEqual(
            adapter.events(in: #"42/chat,["message",{"room":"lobby","from":"ann","text":"hi"}]"#),
            [.roomMessage(room: "lobby", sender: "ann", text: "hi")])
        XCTAssertEqual(
            adapter.events(in: #"42/chat,["private message",{"from":"ann","to":"bob","text":"psst"}]"#),
            [.whisper(from: "ann", to: "bob", text: "psst")])
        XCTAssertEqual(adapter.events(in: "41/chat,"), [.sessionEnded(reason: "Socket.IO disconnect from the server")])
        XCTAssertEqual(adapter.events(in: #"44/chat,{"message":"no"}"#), [.error(code: "socketio_connect_error")])
        settings.namespace = "/"
        settings.joinAck = false
        let plain = SocketIOAdapter(settings: settings)
        XCTAssertEqual(plain.joinFrame(room: "r", ackID: 3), #"42["join","r"]"#)
        XCTAssertEqual(plain.events(in: #"0{"sid":"x"}"#), [.reply(#"40{"token":""}"#)])
        XCTAssertEqual(
            SocketIOAdapter.engineURL(try .init("ws://h:1/")).requestTarget, "/socket.io/?EIO=4&transport=websocket")
        XCTAssertEqual(SocketIOAdapter.engineURL(try .init("ws://h:1/io/?a=1")).requestTarget, "/io/?a=1&EIO=4&transport=websocket")
    }

    func testMarkerMembershipsCountPerSender() {
        var membership = MarkerMembership(room: "r", startAfter: 2)
        XCTAssertFalse(membership.record(sender: 1, senderNumber: 1, roomNumber: 2), "sent before the membership")
        XCTAssertTrue(membership.record(sender: 1, senderNumber: 2, roomNumber: 4))
        XCTAssertTrue(membership.record(sender: 2, senderNumber: 1, roomNumber: 3), "another sender's, overtaken: fine")
        XCTAssertFalse(membership.record(sender: 1, senderNumber: 2, roomNumber: 4), "a duplicate")
        XCTAssertTrue(membership.record(sender: 1, senderNumber: 4, roomNumber: 7))
        XCTAssertTrue(membership.record(sender: 1, senderNumber: 3, roomNumber: 6), "the sender's own order broken")
        XCTAssertEqual(membership.received, 4)
        XCTAssertEqual(membership.duplicated, 1)
        XCTAssertEqual(membership.outOfOrder, 1)
        var totals = DeliveryTotals()
        totals.add([membership], lastNumbers: ["r": 8])
        XCTAssertEqual([totals.expected, totals.received, totals.lost], [6, 4, 2])
        membership.through = 5
        XCTAssertFalse(membership.record(sender: 3, senderNumber: 1, roomNumber: 8), "after the membership ended")
        XCTAssertEqual(membership.expected(lastNumber: 8), 3)
    }
}
