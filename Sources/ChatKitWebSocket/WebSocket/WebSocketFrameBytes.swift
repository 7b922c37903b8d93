import NIOCore
import NIOWebSocket

/// Encoding WebSocket frames by hand (RFC 6455 section 5.2).
public enum WebSocketFrameBytes {
    static let maxHeaderSize = 14

    /// An unmasked, final text frame holding `payload`: what a server sends. Encode once, write to many.
    public static func serverText(_ payload: ByteBuffer, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var payload = payload
        var frame = allocator.buffer(capacity: Self.maxHeaderSize + payload.readableBytes)
        Self.writeHeader(into: &frame, fin: true, opcode: .text, reservedBits: [], length: payload.readableBytes, maskKey: nil)
        frame.writeBuffer(&payload)
        return frame
    }

    /// A final frame of `opcode` holding `payload`, masked with `maskKey` when there is one (a client's
    /// frames): one buffer for payloads up to 1 KiB (one iovec), else the header and the payload apart (no
    /// copy of a large payload).
    package static func encode(
        opcode: WebSocketOpcode, payload: ByteBuffer, maskKey: WebSocketMaskingKey?, allocator: ByteBufferAllocator
    ) -> (ByteBuffer, ByteBuffer?) {
        var payload = payload
        if let maskKey {
            payload.webSocketMask(maskKey)
        }
        var header = allocator.buffer(capacity: Self.maxHeaderSize + min(payload.readableBytes, 1024))
        Self.writeHeader(
            into: &header, fin: true, opcode: opcode, reservedBits: [], length: payload.readableBytes, maskKey: maskKey)
        guard payload.readableBytes <= 1024 else { return (header, payload) }
        header.writeBuffer(&payload)
        return (header, nil)
    }

    static func writeHeader(
        into buffer: inout ByteBuffer, fin: Bool, opcode: WebSocketOpcode, reservedBits: WebSocketFrame.ReservedBits,
        length: Int, maskKey: WebSocketMaskingKey?
    ) {
        var first = UInt8(webSocketOpcode: opcode) | reservedBits.rawValue
        if fin { first |= 0x80 }
        buffer.writeInteger(first)
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        switch length {
        case 0...125:
            buffer.writeInteger(maskBit | UInt8(length))
        case 126...Int(UInt16.max):
            buffer.writeInteger(maskBit | 126)
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(maskBit | 127)
            buffer.writeInteger(UInt64(length))
        }
        if let maskKey {
            buffer.writeBytes(maskKey)
        }
    }
}
