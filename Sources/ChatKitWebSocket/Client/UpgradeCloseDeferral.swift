import NIOCore

/// Holds back the end of the connection while NIO's client upgrade is under way, so that the frames which
/// arrived with the 101 reach the WebSocket pipeline before the close does.
///
/// A server may send its 101, a message, its close frame and then drop TCP all at once (kosoku's fuzzing
/// server answers `/getCaseCount` so). When the end of TCP is read in the same pass as the bytes, NIO's upgrade
/// handler is still waiting for the HTTP decoder to leave the pipeline (its removal runs on the next loop
/// pass); `channelInactive` reached the decoder first, which then decoded the frames' bytes as the end of an
/// HTTP stream and dropped them. The client saw only a 1006 close. Sits between the transport (or TLS) and
/// the HTTP handlers; from the accepted 101 until the WebSocket pipeline is set up and the buffered bytes are
/// replayed into it, a `channelInactive` waits here and follows them. Then it leaves the pipeline.
final class UpgradeCloseDeferral: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private enum State {
        case handshaking
        case upgrading(heldInactive: Bool)
        case done
    }

    private var state = State.handshaking
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .upgrading = self.state {
            self.state = .upgrading(heldInactive: true)
        } else {
            context.fireChannelInactive()
        }
    }

    /// A valid 101 arrived: from now on a `channelInactive` waits for ``upgradeEnded()``.
    func upgradeAccepted() {
        if case .handshaking = self.state { self.state = .upgrading(heldInactive: false) }
    }

    /// The upgrade's set-up finished (or failed). NIO's upgrade handler replays the buffered bytes right after
    /// it, in the same loop pass, so a held `channelInactive` goes on in the next pass.
    func upgradeEnded() {
        guard let context = self.context else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute { handler.value.release() }
    }

    private func release() {
        guard case .upgrading(let heldInactive) = self.state, let context = self.context else { return }
        self.state = .done
        if heldInactive { context.fireChannelInactive() }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
