import ChatKit
import FuzzSupport

/// One WebSocket frame the server sent.
struct WireFrame {
    var opcode: UInt8
    var payload: [UInt8]
}

/// Splits what the server wrote after `101 Switching Protocols` into WebSocket frames (RFC 6455 5.2),
/// independently of NIO, and checks what a client may rely on: frames are complete, unmasked, final, with
/// no reserved bits, and nothing follows a close frame.
enum ServerFrameReader {
    static let text: UInt8 = 0x1, binary: UInt8 = 0x2, close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    static func read(_ bytes: [UInt8]) -> [WireFrame] {
        var frames: [WireFrame] = []
        var index = 0
        while index < bytes.count {
            fuzzRequire(frames.last?.opcode != Self.close, "a frame after the server's close frame")
            guard bytes.count - index >= 2 else { fuzzFail("a frame cut off in its header") }
            let first = bytes[index], second = bytes[index + 1]
            index += 2
            fuzzRequire(first & 0x80 != 0, "a server frame without FIN (the server does not fragment)")
            fuzzRequire(first & 0x70 == 0, "a server frame with reserved bits \(first & 0x70)")
            fuzzRequire(second & 0x80 == 0, "a masked server frame")
            var length = Int(second & 0x7F)
            let extraLengthBytes = length == 126 ? 2 : length == 127 ? 8 : 0
            if extraLengthBytes > 0 {
                guard bytes.count - index >= extraLengthBytes else { fuzzFail("a frame cut off in its length") }
                var value: UInt64 = 0
                for byte in bytes[index..<(index + extraLengthBytes)] { value = value << 8 | UInt64(byte) }
                index += extraLengthBytes
                guard value <= UInt64(bytes.count - index) else { fuzzFail("a frame of \(value) bytes is cut off") }
                length = Int(value)
            }
            guard bytes.count - index >= length else { fuzzFail("a frame of \(length) bytes is cut off") }
            let opcode = first & 0x0F
            let knownOpcodes = [Self.text, Self.binary, Self.close, Self.ping, Self.pong]
            fuzzRequire(knownOpcodes.contains(opcode), "a frame with opcode \(opcode)")
            if opcode >= Self.close {
                fuzzRequire(length <= 125, "a control frame of \(length) bytes")
            }
            frames.append(WireFrame(opcode: opcode, payload: Array(bytes[index..<(index + length)])))
            index += length
        }
        return frames
    }
}
