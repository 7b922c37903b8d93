import NIOCore
import NIOHTTP1

/// Lets only the first HTTP parse error of a connection reach NIO's `HTTPServerProtocolErrorHandler`.
///
/// NIO's request decoder reports a request line with an HTTP major version other than 1 (`HTTP/2.0`) twice:
/// once itself, then again when the parser stops. The error handler answers every parse error it sees with
/// a bare `400`, so the client got two responses to one request. Found by the FuzzHTTP fuzz target
/// (Tests/fuzz/corpus/FuzzHTTP/regression-http2-double-400.bin).
final class HTTPParserErrorFilter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    static let name = "chat-http-parser-error-filter"

    private var sawParserError = false

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is HTTPParserError {
            guard !self.sawParserError else { return }
            self.sawParserError = true
        }
        context.fireErrorCaught(error)
    }
}
