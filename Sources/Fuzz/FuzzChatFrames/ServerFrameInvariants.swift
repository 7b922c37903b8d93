import ChatKitChat
import Foundation
import FuzzSupport
import NIOCore

/// Properties of `ServerFrame.decode`, the client's parser of what the server sends (chatctl, load runner).
enum ServerFrameInvariants {
    /// Decoding may throw; a decoded frame encodes to JSON whose `type` is the frame's and which decodes
    /// to the same frame; the server's hand-written encoder (`ServerFrameJSON`) writes the same bytes as
    /// `JSONEncoder`.
    static func check(_ text: String) {
        guard let frame = try? ServerFrame.decode(text) else { return }
        let encoded = frame.encoded()
        let fast = String(buffer: ServerFrameJSON.encode(frame))
        fuzzRequire(fast == encoded, "\(frame): ServerFrameJSON wrote \(fast), JSONEncoder \(encoded)")
        let object = try? JSONSerialization.jsonObject(with: Data(encoded.utf8), options: [])
        let type = (object as? [String: Any])?["type"] as? String
        fuzzRequire(type == frame.type, "\(frame) encodes to \(encoded), whose type is not \(frame.type)")
        do {
            let again = try ServerFrame.decode(encoded)
            fuzzRequire(again == frame, "\(frame) encodes to \(encoded), which decodes to \(again)")
        } catch {
            fuzzFail("\(frame) encodes to \(encoded), which does not decode: \(error)")
        }
    }
}
