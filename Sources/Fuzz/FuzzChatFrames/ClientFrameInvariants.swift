import ChatKitChat
import Foundation
import FuzzSupport
import NIOCore

/// Properties of `ClientFrame.decode`, the server's parser of everything a chat client sends.
enum ClientFrameInvariants {
    /// The codes docs/protocol.md lists for a frame that cannot be read.
    static let decodeErrorCodes: Set<ChatErrorCode> = [.badJSON, .unknownType, .missingField, .badField]

    /// A decoded frame survives `encoded()` and a second decode unchanged; a refusal has a decode error code
    /// and a message, and carries the request's `id` whenever the frame is an object with a string `id`.
    static func check(_ text: String) {
        // The byte scanner (the server's fast path) answers exactly as Foundation's parser does, from a String and
        // from the frame's bytes.
        let reference = ClientFrame.decodeWithFoundation(text)
        let decoded = ClientFrame.decode(text)
        fuzzRequire(decoded == reference, "decode gives \(decoded), Foundation's parser \(reference)")
        let fromBytes = ClientFrame.decode(ByteBuffer(string: text))
        fuzzRequire(fromBytes == reference, "decode of the bytes gives \(fromBytes), Foundation's parser \(reference)")
        switch decoded {
        case .success(let frame):
            let encoded = frame.encoded()
            guard case .success(let again) = ClientFrame.decode(encoded) else {
                fuzzFail("\(frame) encodes to \(encoded), which does not decode")
            }
            fuzzRequire(again == frame, "\(frame) encodes to \(encoded), which decodes to \(again)")
        case .failure(let error):
            fuzzRequire(!error.message.isEmpty, "error \(error.code) without a message")
            fuzzRequire(Self.decodeErrorCodes.contains(error.code), "decode error with code \(error.code)")
            if let id = Self.stringID(of: text) {
                fuzzRequire(error.id == id, "error \(error) lost the request id \(id)")
            }
        }
    }

    /// The `id` of a frame that is a JSON object whose `id` is a string.
    private static func stringID(of text: String) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
        return (object as? [String: Any])?["id"] as? String
    }
}
