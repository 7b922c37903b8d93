import NIOCore
import NIOHTTP1
import NIOWebSocket

/// NIO's server upgrader for the handshake (key, version, `Sec-WebSocket-Accept`), with ChatKit's own
/// pipeline after it: NIO's frame decoder, ChatKit's frame writer (which can send a frame encoded once for a
/// whole room) in place of NIO's encoder, then whatever `setUp` adds.
package final class WebSocketServerUpgrader: HTTPServerProtocolUpgrader, Sendable {
    private let handshake: NIOWebSocketServerUpgrader
    private let maxFrameSize: Int
    private let setUp: @Sendable (Channel, HTTPRequestHead) -> EventLoopFuture<Void>

    package init(
        maxFrameSize: Int,
        shouldUpgrade: @escaping @Sendable (Channel, HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?>,
        setUp: @escaping @Sendable (Channel, HTTPRequestHead) -> EventLoopFuture<Void>
    ) {
        self.maxFrameSize = maxFrameSize
        self.setUp = setUp
        self.handshake = NIOWebSocketServerUpgrader(
            maxFrameSize: maxFrameSize, automaticErrorHandling: false, shouldUpgrade: shouldUpgrade,
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() })
    }

    package var supportedProtocol: String { self.handshake.supportedProtocol }
    package var requiredUpgradeHeaders: [String] { self.handshake.requiredUpgradeHeaders }

    package func buildUpgradeResponse(
        channel: Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        self.handshake.buildUpgradeResponse(
            channel: channel, upgradeRequest: upgradeRequest, initialResponseHeaders: initialResponseHeaders)
    }

    package func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        return channel.eventLoop.makeCompletedFuture {
            try WebSocketCodecSetup.add(to: channel.pipeline.syncOperations, maxFrameSize: self.maxFrameSize)
        }.flatMap { self.setUp(channel, upgradeRequest) }
    }
}

/// NIO's client upgrader for the handshake (key, response check), with ChatKit's pipeline after it.
final class WebSocketClientUpgrader: NIOHTTPClientProtocolUpgrader, Sendable {
    private let handshake: NIOWebSocketClientUpgrader
    private let maxFrameSize: Int
    private let setUp: @Sendable (Channel, HTTPResponseHead) -> EventLoopFuture<Void>
    private let accepted: @Sendable () -> Void
    private let ended: @Sendable () -> Void

    /// `accepted` is called when a valid 101 arrives: from then on the connection is upgrading, and a close
    /// that comes before `setUp` runs must not be taken for a failed handshake. `ended` is called when the
    /// upgrade's set-up has finished or failed.
    init(
        requestKey: String, maxFrameSize: Int, accepted: @escaping @Sendable () -> Void = {},
        ended: @escaping @Sendable () -> Void = {},
        setUp: @escaping @Sendable (Channel, HTTPResponseHead) -> EventLoopFuture<Void>
    ) {
        self.maxFrameSize = maxFrameSize
        self.setUp = setUp
        self.accepted = accepted
        self.ended = ended
        self.handshake = NIOWebSocketClientUpgrader(
            requestKey: requestKey, maxFrameSize: maxFrameSize, automaticErrorHandling: false,
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() })
    }

    var supportedProtocol: String { self.handshake.supportedProtocol }
    var requiredUpgradeHeaders: [String] { self.handshake.requiredUpgradeHeaders }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        self.handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        let allowed = self.handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
        if allowed { self.accepted() }
        return allowed
    }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        return channel.eventLoop.makeCompletedFuture {
            try WebSocketCodecSetup.add(to: channel.pipeline.syncOperations, maxFrameSize: self.maxFrameSize)
        }.flatMap { self.setUp(channel, upgradeResponse) }.always { _ in self.ended() }
    }
}

/// The frame codec of an upgraded connection: NIO's decoder. Frames going out are encoded by
/// ``WebSocketHandler`` itself (``WebSocketFrameBytes``).
enum WebSocketCodecSetup {
    static func add(to pipeline: ChannelPipeline.SynchronousOperations, maxFrameSize: Int) throws {
        try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)))
    }
}
