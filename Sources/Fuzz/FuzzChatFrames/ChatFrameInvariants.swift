import Foundation

/// What must hold for any text a WebSocket peer can send: every input goes through both decoders.
enum ChatFrameInvariants {
    /// Checks one input, read as the UTF-8 text of a frame (invalid bytes become U+FFFD, as they cannot
    /// reach the decoders otherwise: the WebSocket layer refuses text frames that are not UTF-8).
    static func check(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        ClientFrameInvariants.check(text)
        ServerFrameInvariants.check(text)
    }
}
