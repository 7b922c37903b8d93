@testable import ChatKit
import NIOCore
import XCTest

/// The load generator's fast reader agrees with the full decoder on every frame it accepts.
final class FrameScannerTests: XCTestCase {
    func testMessageAndWhisperFramesAreReadFromTheirBytes() throws {
        let message = ServerFrame.message(ChatMessage(
            room: "room-7", from: "user-1", content: #"tricky "seq":99, \"id\":"x" {[}]"#, id: "12.34.5678901234",
            seq: 42, ts: 1_700_000_000_000))
        let scanned = try XCTUnwrap(FrameScanner.scan(ByteBuffer(string: message.encoded())))
        XCTAssertEqual(scanned.kind, .message)
        XCTAssertEqual(scanned.room, "room-7")
        XCTAssertEqual(scanned.seq, 42)
        XCTAssertEqual(scanned.sender, 12)
        XCTAssertEqual(scanned.sentAt, 5_678_901_234)

        let whisper = ServerFrame.whisper(WhisperMessage(from: "a", to: "b", content: "hi", id: "w3.1.99", ts: 1))
        let scannedWhisper = try XCTUnwrap(FrameScanner.scan(ByteBuffer(string: whisper.encoded())))
        XCTAssertEqual(scannedWhisper.kind, .whisper)
        XCTAssertEqual(scannedWhisper.from, "a")
        XCTAssertEqual(scannedWhisper.to, "b")
        XCTAssertEqual(scannedWhisper.sender, 3)
        XCTAssertEqual(scannedWhisper.sentAt, 99)

        for event in [PresenceEvent.join, .leave] {
            let presence = ServerFrame.presence(room: "room-3", name: "user-9", event: event)
            let scannedPresence = try XCTUnwrap(FrameScanner.scan(ByteBuffer(string: presence.encoded())))
            XCTAssertEqual(scannedPresence.kind, .presence)
            XCTAssertEqual(scannedPresence.room, "room-3")
            XCTAssertEqual(scannedPresence.name, "user-9")
        }
    }

    func testOtherFramesAndOddInputFallBackToTheDecoder() {
        let others: [String] = [
            ServerFrame.joined(room: "r", name: "n", seq: 1, id: nil).encoded(),
            ServerFrame.history(room: "r", messages: [], id: "j").encoded(),
            #"{"type":"presence","room":"r","event":"join"}"#,  // no name: the decoder reports it
            #"{"type":"presence","room":"r","name":"n\u0041","event":"join"}"#,  // escaped name
            #"{"type":"message","room":"r\u0041","seq":1}"#,  // escaped room: not read here
            #"{"type":"message","seq":1.5}"#,
            "{not json",
            "",
        ]
        for text in others {
            XCTAssertNil(FrameScanner.scan(ByteBuffer(string: text)), text)
        }
        // A message without a generator id still scans, without a send time.
        let foreign = FrameScanner.scan(ByteBuffer(string: #"{"content":"x","from":"@system","room":"r","seq":3,"ts":1,"type":"message"}"#))
        XCTAssertEqual(foreign?.seq, 3)
        XCTAssertNil(foreign?.sentAt)
    }

    func testRawMarkersAreReadFromBytes() {
        let marker = RawMarker(sender: 4, senderNumber: 17, globalNumber: 99, sentNanoseconds: 123_456_789)
        XCTAssertEqual(RawMarker(parsing: ByteBuffer(string: marker.text + "padding")), marker)
        XCTAssertNil(RawMarker(parsing: ByteBuffer(string: "chatctl|4|x|9|1|")))
        XCTAssertNil(RawMarker(parsing: ByteBuffer(string: "hello")))
    }
}
