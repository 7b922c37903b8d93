import ChatKit
import Foundation
import FuzzSupport
import NIOHTTP1

/// What must hold for one connection's exchange: every complete request got exactly one complete response
/// (or the connection was closed), responses are JSON with a `Content-Length` (the bare `400` NIO sends for
/// malformed HTTP aside, docs/protocol.md), errors have a code and a message, malformed and idle HTTP
/// connections are closed, and after a `101` the server speaks correct WebSocket and, in chat mode, the
/// protocol's frames in the order it promises (``ChatStreamInvariants``).
enum ConnectionInvariants {
    /// Checks `connection`; returns the names the server welcomed on it.
    static func check(_ connection: FuzzConnection, mode: ServerMode) -> [String] {
        let requests = ReferenceRequests(connection.input)
        let (responses, upgraded) = HTTPResponseReader.read(connection.output) { index in
            index < requests.heads.count && requests.heads[index].method == .HEAD
        }
        // A request whose body never arrived may still be answered: refusals known from the head (421, 413 by
        // Content-Length, 401/404 on /admin) go out before the body is read.
        let answerable = requests.completeCount + (requests.mayEndWithBadRequest ? 1 : 0)
            + (requests.heads.count > requests.completeCount ? 1 : 0)
        fuzzRequire(
            responses.count <= answerable,
            "\(responses.count) responses to \(requests.completeCount) requests (malformed: \(requests.isMalformed))")
        if upgraded == nil {
            if connection.isOpenAfterInput {
                // Counted when the input was all delivered: closing later may add NIO's 400 for a cut-off request.
                let outputThen = Array(connection.output.prefix(connection.outputCountAfterInput))
                let answered = HTTPResponseReader.read(outputThen) { index in
                    index < requests.heads.count && requests.heads[index].method == .HEAD
                }.responses.count
                fuzzRequire(!requests.isMalformed, "malformed HTTP, and the connection stays open")
                fuzzRequire(
                    answered == requests.completeCount,
                    "\(requests.completeCount) complete requests, \(answered) responses, connection open")
            }
            fuzzRequire(!connection.isOpenAfterTimeout, "an HTTP connection is open after the handshake timeout")
        }
        for (index, response) in responses.enumerated() {
            let head = index < requests.heads.count ? requests.heads[index] : nil
            Self.check(
                response, index: index, request: head, isLast: index == responses.count - 1, requests: requests,
                mode: mode)
        }
        guard let upgraded else { return [] }
        return Self.checkWebSocket(upgraded, mode: mode)
    }

    private static func check(
        _ response: WireResponse, index: Int, request: HTTPRequestHead?, isLast: Bool, requests: ReferenceRequests,
        mode: ServerMode
    ) {
        let what = "response \(index) (\(response.statusLine))"
        if response.status == 101 {
            fuzzRequire(request?.method == .GET, "\(what) upgrades a \(String(describing: request?.method)) request")
            fuzzRequire(
                response.values("upgrade").map { $0.lowercased() } == ["websocket"],
                "\(what) without Upgrade: websocket")
            return
        }
        if (response.status == 400 || response.status == 431) && requests.mayEndWithBadRequest && isLast
            && index == requests.completeCount
        {
            // The answer to malformed HTTP: a JSON error (bad_request, or headers_too_large for 431), then the
            // connection closes (checked by the caller). The answer to a HEAD request has the headers only.
            if request?.method == .HEAD {
                fuzzRequire(
                    response.values("content-type") == ["application/json; charset=utf-8"],
                    "\(what): the malformed-request answer to a HEAD has Content-Type \(response.values("content-type"))")
                return
            }
            let json = try? JSONSerialization.jsonObject(with: Data(response.body), options: [])
            let code = (json as? [String: Any])?["error"] as? String
            fuzzRequire(
                code == "bad_request" || code == "headers_too_large",
                "\(what): the malformed-request answer is not a JSON bad_request/headers_too_large error")
            return
        }
        fuzzRequire(request != nil, "\(what) answers no request")
        if let request, mode == .chat, response.status == 200, Self.path(of: request.uri) == "/" {
            // The chat page (HTTPRoutes): HTML under a strict policy, the one response that is not JSON.
            fuzzRequire(
                response.values("content-type") == ["text/html; charset=utf-8"],
                "\(what): the chat page has Content-Type \(response.values("content-type"))")
            fuzzRequire(
                response.values("content-security-policy").count == 1, "\(what): the chat page without its CSP")
            fuzzRequire(
                request.method == .HEAD || response.body.starts(with: Array("<!doctype html>".utf8)),
                "\(what): the chat page's body is not an HTML document")
            return
        }
        fuzzRequire(
            response.values("content-type") == ["application/json; charset=utf-8"],
            "\(what) has Content-Type \(response.values("content-type"))")
        guard request?.method != .HEAD else { return }
        let json = try? JSONSerialization.jsonObject(with: Data(response.body), options: [])
        guard let object = json as? [String: Any] else {
            fuzzFail("\(what) has a body that is not a JSON object: \(HTTPResponseReader.show(response.body[...]))")
        }
        if response.status >= 400 {
            let code = object["error"] as? String ?? "", message = object["message"] as? String ?? ""
            fuzzRequire(!code.isEmpty && !message.isEmpty, "\(what) has the error body \(object)")
        }
    }

    /// The path of a request target: what comes before its query.
    private static func path(of uri: String) -> Substring {
        uri.prefix { $0 != "?" }
    }

    /// Checks the frames after a `101`; returns the name of the `welcome` frame, if any.
    private static func checkWebSocket(_ bytes: [UInt8], mode: ServerMode) -> [String] {
        var chat = ChatStreamInvariants()
        for (index, frame) in ServerFrameReader.read(bytes).enumerated() {
            switch frame.opcode {
            case ServerFrameReader.text:
                guard let text = String(validating: frame.payload, as: UTF8.self) else {
                    fuzzFail("text frame \(index) is not UTF-8")
                }
                guard mode == .chat else { continue }
                do {
                    chat.check(try ServerFrame.decode(text), index: index)
                } catch {
                    fuzzFail("text frame \(index) is not a server frame: \(text): \(error)")
                }
            case ServerFrameReader.binary:
                fuzzRequire(mode != .chat, "a binary frame in chat mode")
            case ServerFrameReader.close:
                Self.checkClose(frame.payload)
            default:
                break
            }
        }
        return chat.welcomedName.map { [$0] } ?? []
    }

    private static func checkClose(_ payload: [UInt8]) {
        guard !payload.isEmpty else { return }
        fuzzRequire(payload.count >= 2, "a close frame with a one-byte payload")
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        fuzzRequire(WebSocketCloseCode.isValidOnWire(code), "a close frame with code \(code)")
        fuzzRequire(String(validating: payload.dropFirst(2), as: UTF8.self) != nil, "a close reason that is not UTF-8")
    }
}
