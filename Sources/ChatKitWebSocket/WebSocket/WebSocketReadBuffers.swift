import NIOCore

/// How a WebSocket connection's socket reads are sized. NIO keeps each channel's last read buffer for the
/// next read, so its starting size is memory every idle connection holds: NIO's default starts at 2048
/// bytes; chat traffic is a few hundred bytes per read when light, and the buffer doubles on every read
/// that fills it (up to 64 KiB) when traffic is heavy.
enum WebSocketReadBuffers {
    /// The receive allocator for server and client connections: starts at 256 bytes.
    static var allocator: AdaptiveRecvByteBufferAllocator {
        AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65_536)
    }
}
