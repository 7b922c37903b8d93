import NIOCore

/// The socket options of a chat connection, server side (accepted) and client side, set synchronously in the
/// channel's initializer: given to NIO's bootstraps as channel options, each would be a chain of futures per
/// connection, a noticeable part of accepting one.
package enum ConnectionChannelOptions {
    /// Sets TCP_NODELAY, small first read buffers (``WebSocketReadBuffers``) and, when given, how many reads a
    /// readable event may make. Call before the channel is registered.
    package static func apply(to channel: Channel, maxMessagesPerRead: UInt? = 16) throws {
        guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
        try options.setOption(.tcpOption(.tcp_nodelay), value: 1)
        if let maxMessagesPerRead { try options.setOption(.maxMessagesPerRead, value: maxMessagesPerRead) }
        try options.setOption(.recvAllocator, value: WebSocketReadBuffers.allocator)
    }
}
