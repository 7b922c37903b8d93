import NIOCore
import NIOWebSocket

/// What goes out on a WebSocket connection: a frame to encode, or bytes that already are a whole frame.
enum WebSocketWireUnit {
    /// A frame to encode (masked when it carries a mask key).
    case frame(WebSocketFrame)
    /// A complete, already encoded frame (header and payload), typically shared by every member of a room:
    /// written as it is, without copying.
    case encoded(ByteBuffer)
}

/// Replaces NIO's `WebSocketFrameEncoder` so that a room message encoded once (header included) can be
/// written to every member as the same bytes; ordinary frames are encoded here as NIO would.
final class WebSocketFrameWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = WebSocketWireUnit
    typealias OutboundOut = ByteBuffer

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch Self.unwrapOutboundIn(data) {
        case .encoded(let bytes):
            context.write(Self.wrapOutboundOut(bytes), promise: promise)
        case .frame(let frame):
            var payload = frame.data
            if let maskKey = frame.maskKey {
                payload.webSocketMask(maskKey)
            }
            var header = context.channel.allocator.buffer(capacity: WebSocketFrameBytes.maxHeaderSize)
            WebSocketFrameBytes.writeHeader(
                into: &header, fin: frame.fin, opcode: frame.opcode, reservedBits: frame.reservedBits,
                length: payload.readableBytes, maskKey: frame.maskKey)
            if payload.readableBytes <= 1024 {
                // Small frames go out as one buffer: one iovec instead of two.
                header.writeBuffer(&payload)
                context.write(Self.wrapOutboundOut(header), promise: promise)
            } else {
                context.write(Self.wrapOutboundOut(header), promise: nil)
                context.write(Self.wrapOutboundOut(payload), promise: promise)
            }
        }
    }
}

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
