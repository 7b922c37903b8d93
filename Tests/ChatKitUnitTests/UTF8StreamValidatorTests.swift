import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import ChatKitTestSupport
import NIOCore
import XCTest

/// The incremental UTF-8 validator agrees with the standard library's, however the bytes are split.
final class UTF8StreamValidatorTests: XCTestCase {
    /// Feeds `bytes` in pieces cut at `cuts`; returns (valid as a complete message, first piece refused).
    private func validate(_ bytes: [UInt8], cuts: [Int]) -> (valid: Bool, refusedAt: Int?) {
        var validator = UTF8StreamValidator()
        var start = 0
        for (index, end) in (cuts + [bytes.count]).enumerated() {
            let accepted = ByteBuffer(bytes: bytes[start..<end]).withUnsafeReadableBytes { validator.feed($0) }
            if !accepted { return (false, index) }
            start = end
        }
        return (validator.isCompleteAndValid, nil)
    }

    private func stdlibValid(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    func testEdgeCasesAgreeWithTheStandardLibraryAtEverySplit() {
        let samples: [[UInt8]] = [
            [], Array("hello".utf8), Array("κόσμε".utf8), Array("é€😀".utf8),
            [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],
            [0xF4, 0x8F, 0xBF, 0xBF],
            [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],  // overlong
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],  // surrogates
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xFE],  // out of range
            [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98],  // truncated
            [0xC3, 0x28], [0xE2, 0x28, 0xA1], [0xF0, 0x28, 0x8C, 0xBC],  // bad continuation
            Array("κόσμε".utf8) + [0xED, 0xA0, 0x80] + Array("edited".utf8),
        ]
        for bytes in samples {
            let expected = self.stdlibValid(bytes)
            XCTAssertEqual(self.validate(bytes, cuts: []).valid, expected, "\(bytes)")
            for cut in 0...bytes.count {
                XCTAssertEqual(self.validate(bytes, cuts: [cut]).valid, expected, "\(bytes) cut at \(cut)")
            }
        }
    }

    /// Fail fast: refused by the piece holding the first byte that cannot continue valid UTF-8.
    func testRefusesAtTheFirstImpossibleByte() {
        let valid = Array("κόσμε".utf8)
        let result = self.validate(valid + [0xF4, 0x90] + valid, cuts: [valid.count, valid.count + 2])
        XCTAssertEqual(result.refusedAt, 1)
        XCTAssertNil(self.validate(valid + [0xF4, 0x8F], cuts: [valid.count]).refusedAt)  // still possible
    }

    func testRandomBytesAgreeWithTheStandardLibrary() {
        var generator = SplitMix64(seed: 6455)
        // Bytes drawn mostly from the interesting ranges: ASCII, continuation bytes and lead bytes.
        let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF,
                                 0xF0, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 9)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let cut = length == 0 ? 0 : Int(generator.next() % UInt64(length + 1))
            XCTAssertEqual(self.validate(bytes, cuts: [cut]).valid, self.stdlibValid(bytes), "\(bytes) cut at \(cut)")
        }
    }
}

/// A small deterministic generator, so that a failure can be replayed.
private struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
