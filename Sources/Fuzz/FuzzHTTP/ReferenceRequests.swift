import NIOCore
import NIOEmbedded
import NIOHTTP1

/// The requests in a connection's bytes, as a bare NIO request decoder (nothing else in its pipeline) reads
/// them: what the server must have answered. Like the server's decoder, it stops at the first upgrade
/// request, after which the bytes belong to the upgraded protocol.
struct ReferenceRequests {
    /// The request heads, in order, including one whose body or end never arrived.
    var heads: [HTTPRequestHead] = []
    /// How many requests arrived complete (head, body, end).
    var completeCount = 0
    /// Whether the decoder refused the bytes (malformed HTTP).
    var isMalformed = false
    /// Whether the bytes end inside a request, which the decoder reports as malformed when the connection
    /// closes (NIO then still answers `400`).
    var endsInsideRequest = false

    /// Whether the server may have answered one more time than there are complete requests: the bare `400`.
    var mayEndWithBadRequest: Bool { self.isMalformed || self.endsInsideRequest }

    init(_ bytes: [UInt8]) {
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        do {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        } catch {
            self.isMalformed = true
        }
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head): self.heads.append(head)
            case .body: break
            case .end: self.completeCount += 1
            }
        }
        // Closing is EOF for the decoder; it also breaks the channel's reference cycle (LeakSanitizer).
        do {
            _ = try channel.finish(acceptAlreadyClosed: true)
        } catch {
            self.endsInsideRequest = !self.isMalformed
        }
    }
}
