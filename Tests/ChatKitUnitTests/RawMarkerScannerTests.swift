import ChatKitTestSupport
import Foundation
import NIOCore
import XCTest

import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad

/// Where a raw-mode marker may be in a frame: anywhere in a line, one message per line.
final class RawMarkerScannerTests: XCTestCase {
    private let a = RawMarker(sender: 1, senderNumber: 2, globalNumber: 3, sentNanoseconds: 4_000_000_001)
    private let b = RawMarker(sender: 12, senderNumber: 7, globalNumber: 40, sentNanoseconds: 123_456_789)
    private let c = RawMarker(sender: 0, senderNumber: 1, globalNumber: 1, sentNanoseconds: 5)

    private func scan(_ text: String) -> (markers: [RawMarker], counts: RawMarkerScanner.FrameCounts) {
        self.scan(ByteBuffer(string: text))
    }

    private func scan(_ buffer: ByteBuffer) -> (markers: [RawMarker], counts: RawMarkerScanner.FrameCounts) {
        var markers: [RawMarker] = []
        let counts = RawMarkerScanner.forEachMarker(in: buffer) { markers.append($0) }
        return (markers, counts)
    }

    func testMarkerAtTheStartOfTheFrame() {
        let found = self.scan(self.a.text + "xxxxxxxx")
        XCTAssertEqual(found.markers, [self.a])
        XCTAssertEqual(found.counts, .init(lines: 1, markers: 1))
    }

    func testMarkerInTheMiddleOfALine() {
        XCTAssertEqual(self.scan("[12:00] alice: " + self.a.text + "hello").markers, [self.a])
        XCTAssertEqual(self.scan("cc chat c " + self.a.text).markers, [self.a])
    }

    func testMarkerInsideAJSONEnvelope() throws {
        let envelope: [String: String] = [
            "ip": "127.0.0.1", "type": "broadcast", "user": "chat", "from": "c", "FromIp": "127.0.0.1:5000",
            "content": self.b.text + "quote \" backslash \\ tab \t é",
        ]
        let json = try JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])
        XCTAssertEqual(self.scan(ByteBuffer(bytes: json)).markers, [self.b])
        let handWritten = #"{"ip":"10.0.0.1","type":"broadcast","user":"u1","from":"u1","FromIp":"10.0.0.1","#
            + #""content":""#
            + self.c.text + #"xx"}"#
        XCTAssertEqual(self.scan(handWritten).markers, [self.c])
    }

    func testSeveralLinesPerFrameAsGorillaBatchesThem() {
        let frame = [self.a.text + "x", self.b.text + "yy", "a line without a marker", self.c.text]
            .joined(separator: "\n")
        let found = self.scan(frame)
        XCTAssertEqual(found.markers, [self.a, self.b, self.c])
        XCTAssertEqual(found.counts, .init(lines: 4, markers: 3))
    }

    func testCRLFAndEmptyLines() {
        let found = self.scan("\r\n" + self.a.text + "x\r\n\n" + self.b.text + "\r\n\r\n" + self.c.text + "\n")
        XCTAssertEqual(found.markers, [self.a, self.b, self.c])
        XCTAssertEqual(found.counts, .init(lines: 3, markers: 3))
    }

    func testOneLineIsOneMessageTheFirstMarkerCounts() {
        let found = self.scan(self.a.text + " and " + self.b.text + " " + self.c.text)
        XCTAssertEqual(found.markers, [self.a])
        XCTAssertEqual(found.counts, .init(lines: 1, markers: 1))
    }

    func testATruncatedMarkerIsSkippedAndNeverCompletedByTheNextLine() {
        XCTAssertEqual(self.scan("chatctl|1|2|").markers, [])
        XCTAssertEqual(self.scan(String(self.a.text.dropLast())).markers, [])
        // Split across lines: neither half is a marker.
        XCTAssertEqual(self.scan(self.a.text.prefix(12) + "\n" + self.a.text.dropFirst(12) + "x").markers, [])
        // A truncated marker before a complete one in the same line: the complete one counts.
        XCTAssertEqual(self.scan("chatctl|9|x " + self.a.text).markers, [self.a])
        // Truncated at the end of one line, complete in the next.
        let found = self.scan("prefix chatctl|1|2\n" + self.b.text)
        XCTAssertEqual(found.markers, [self.b])
        XCTAssertEqual(found.counts, .init(lines: 2, markers: 1))
    }

    func testGarbage() {
        for text in ["", "\n", "\r\n\r\n", "c", "chatctl", "chatctl|", "chatctl||||", "CHATCTL|1|2|3|4|",
                     "chatctl|-1|2|3|4|",
                     self.a.text.replacingOccurrences(of: "4000000001", with: "99999999999999999999"),
                     "chatctl|9999999999999999999" + self.a.text.dropFirst("chatctl|1".count), "{\"type\":\"join\",\"user\":\"chatctl\"}", "hello\nworld"] {
            XCTAssertEqual(self.scan(text).markers, [], text)
        }
        // The prefix overlapping itself, and bytes that are not UTF-8.
        XCTAssertEqual(self.scan("chat" + self.a.text).markers, [self.a])
        var buffer = ByteBuffer(bytes: [0xFF, 0xFE, 0x00, 0x63])
        buffer.writeString(self.b.text)
        XCTAssertEqual(self.scan(buffer).markers, [self.b])
    }

    /// The frame's bytes need not start at index 0 of its buffer.
    func testABufferWhoseReaderIndexIsNotZero() {
        var buffer = ByteBuffer(string: self.a.text + "\n")
        buffer.moveReaderIndex(forwardBy: 3)
        buffer.writeString("x " + self.b.text + "\n" + self.c.text)
        let found = self.scan(buffer)
        XCTAssertEqual(found.markers, [self.b, self.c])
        XCTAssertEqual(found.counts, .init(lines: 3, markers: 2))
    }
}
