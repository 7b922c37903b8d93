import ChatKit
import NIOCore
import XCTest

/// `join` with `since` and `epoch`: encoded with `since` as a number, read back the same way from text and from
/// bytes (the fast scanner leaves it to the Foundation parser), and a wrong type is `bad_field` naming the field.
final class RecoveringJoinFrameTests: XCTestCase {
    func testJoinWithSinceAndEpochRoundTrips() throws {
        let frames: [ClientFrame] = [
            .join(room: "lobby", id: "j1", since: 41, epoch: "9f2c4e1a7b3d5f60"),
            .join(room: "lobby", id: nil, since: 0),
            .join(room: "lobby", id: "j2", since: nil, epoch: "e"),
        ]
        for frame in frames {
            let text = frame.encoded()
            XCTAssertEqual(try ClientFrame.decode(text).get(), frame, text)
            XCTAssertEqual(try ClientFrame.decode(ByteBuffer(string: text)).get(), frame, text)
        }
        XCTAssertEqual(
            ClientFrame.join(room: "r", id: "j", since: 3, epoch: "e").encoded(),
            #"{"epoch":"e","id":"j","room":"r","since":3,"type":"join"}"#)
        XCTAssertEqual(
            try ClientFrame.decode(#"{"type":"join","room":"r","since":7}"#).get(), .join(room: "r", id: nil, since: 7))
    }

    func testWrongTypesAreBadFieldNamingTheField() {
        let cases = [
            (#"{"type":"join","room":"r","since":"1","id":"a"}"#, "since"),
            (#"{"type":"join","room":"r","since":-3,"id":"a"}"#, "since"),
            (#"{"type":"join","room":"r","since":2.5,"id":"a"}"#, "since"),
            (#"{"type":"join","room":"r","since":false,"id":"a"}"#, "since"),
            (#"{"type":"join","room":"r","since":[1],"id":"a"}"#, "since"),
            (#"{"type":"join","room":"r","epoch":{},"id":"a"}"#, "epoch"),
        ]
        for (text, field) in cases {
            guard case .failure(let error) = ClientFrame.decode(text) else { return XCTFail("\(text) was accepted") }
            XCTAssertEqual(error.code, .badField, text)
            XCTAssertEqual(error.id, "a", text)
            XCTAssertTrue(error.message.contains("\"\(field)\""), "\(text): \(error.message)")
        }
    }
}
