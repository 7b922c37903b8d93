import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import ChatKitTestSupport
import NIOCore
import XCTest

/// The load generator's fast reader agrees with the full decoder on every frame it accepts.
final class FrameScannerTests: XCTestCase {
    func testMessageAndWhisperFramesAreReadFromTheirBytes() throws {
        let message = ServerFrame.message(ChatMessage(
            room: "room-7", from: "user-1", content: #"tricky "seq":99, \"id\":"x" {[}]"#, id: "12.34.5678901234",
            seq: 42, ts: 1_700_000_000_000))
        let messageBytes = ByteBuffer(string: message.encoded())
        let scanned = try XCTUnwrap(FrameScanner.scan(messageBytes))
        XCTAssertEqual(scanned.kind, .message)
        XCTAssertEqual(FrameScanner.text(scanned.room, in: messageBytes), "room-7")
        XCTAssertEqual(scanned.seq, 42)
        XCTAssertEqual(scanned.sender, 12)
        XCTAssertEqual(scanned.sentAt, 5_678_901_234)

        let whisper = ServerFrame.whisper(WhisperMessage(from: "a", to: "b", content: "hi", id: "w3.1.99", ts: 1))
        let whisperBytes = ByteBuffer(string: whisper.encoded())
        let scannedWhisper = try XCTUnwrap(FrameScanner.scan(whisperBytes))
        XCTAssertEqual(scannedWhisper.kind, .whisper)
        XCTAssertEqual(FrameScanner.text(scannedWhisper.from, in: whisperBytes), "a")
        XCTAssertEqual(FrameScanner.text(scannedWhisper.to, in: whisperBytes), "b")
        whisperBytes.withUnsafeReadableBytes { bytes in
            XCTAssertTrue(FrameScanner.bytes(bytes, at: scannedWhisper.to ?? 0..<0, equal: Array("b".utf8)))
            XCTAssertFalse(FrameScanner.bytes(bytes, at: scannedWhisper.to ?? 0..<0, equal: Array("bb".utf8)))
            XCTAssertFalse(FrameScanner.bytes(bytes, at: scannedWhisper.from ?? 0..<0, equal: Array("b".utf8)))
        }
        XCTAssertEqual(scannedWhisper.sender, 3)
        XCTAssertEqual(scannedWhisper.sentAt, 99)

        for event in [PresenceEvent.join, .leave] {
            let presence = ServerFrame.presence(room: "room-3", name: "user-9", event: event)
            let presenceBytes = ByteBuffer(string: presence.encoded())
            let scannedPresence = try XCTUnwrap(FrameScanner.scan(presenceBytes))
            XCTAssertEqual(scannedPresence.kind, .presence)
            XCTAssertEqual(FrameScanner.text(scannedPresence.room, in: presenceBytes), "room-3")
            XCTAssertEqual(FrameScanner.text(scannedPresence.name, in: presenceBytes), "user-9")
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
            #"{"type":"messages","seq":1}"#,  // a type that only starts like one read here
            #"{"type":"mess\u0061ge","seq":1}"#,  // escaped type
            #"{"type":"message","to":"x\"y","seq":1}"#,  // escaped string in a field read here
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

    func testKeysThatOnlyLookLikeTheOnesReadAreSkipped() throws {
        // Same length and first letter as keys the scanner reads ("to", "id", "seq", "room", "from", "name", "type").
        let text = #"{"tx":"a","ix":"b","sex":7,"rook":"c","frog":"d","nape":"e","typo":"f","type":"message","#
            + #""room":"r","seq":5}"#
        let buffer = ByteBuffer(string: text)
        let scanned = try XCTUnwrap(FrameScanner.scan(buffer))
        XCTAssertEqual(scanned.kind, .message)
        XCTAssertEqual(FrameScanner.text(scanned.room, in: buffer), "r")
        XCTAssertEqual(scanned.seq, 5)
        XCTAssertNil(scanned.to)
        XCTAssertNil(scanned.from)
        XCTAssertNil(scanned.name)
    }

    func testMembershipsAreFoundByNameAndByFrameBytes() {
        for roomCount in [3, RoomMemberships.hashedAbove + 5] {
            var memberships = RoomMemberships()
            for index in 0..<roomCount {
                memberships["room-\(index)"] = MembershipRecord(
                    room: "room-\(index)", tracker: SequenceTracker(startAfter: 0), end: .open,
                    joinRequestedNanoseconds: 0, joinAckNanoseconds: 0)
            }
            XCTAssertEqual(memberships.count, roomCount)
            let frame = ByteBuffer(string: "room-2")
            frame.withUnsafeReadableBytes { bytes in
                memberships.update(room: bytes) { $0.tracker.record(1) }
                memberships.update(room: UnsafeRawBufferPointer(rebasing: bytes[0..<5])) { $0.tracker.record(1) }
            }
            memberships.update(room: "room-2") { $0.tracker.record(2) }
            memberships.update(room: "nowhere") { $0.tracker.record(9) }
            XCTAssertEqual(memberships["room-2"]?.tracker.received, 2, "room count \(roomCount)")
            XCTAssertEqual(memberships["room-1"]?.tracker.received, 0)
            XCTAssertEqual(memberships.removeValue(forKey: "room-1")?.room, "room-1")
            XCTAssertNil(memberships["room-1"])
            XCTAssertEqual(memberships["room-2"]?.tracker.received, 2, "still found after a removal")
            XCTAssertEqual(Set(memberships.rooms).count, roomCount - 1)
            XCTAssertEqual(memberships.removeAll().count, roomCount - 1)
            XCTAssertTrue(memberships.isEmpty)
        }
    }

    func testRawMarkersAreReadFromBytes() {
        let marker = RawMarker(sender: 4, senderNumber: 17, globalNumber: 99, sentNanoseconds: 123_456_789)
        XCTAssertEqual(RawMarker(parsing: ByteBuffer(string: marker.text + "padding")), marker)
        XCTAssertNil(RawMarker(parsing: ByteBuffer(string: "chatctl|4|x|9|1|")))
        XCTAssertNil(RawMarker(parsing: ByteBuffer(string: "hello")))
    }
}
