import ChatKit

/// One human line per server frame, as `chatctl listen` prints them: `[lobby] alice: hello`.
enum FrameFormatter {
    /// The line for `frame`, or `nil` for frames people do not need to see (acks).
    static func line(_ frame: ServerFrame, me: String) -> String? {
        switch frame {
        case .message(let message):
            return "[\(message.room)] \(message.from): \(message.content)"
        case .whisper(let whisper):
            return whisper.from == me ? "[whisper to \(whisper.to)] \(whisper.from): \(whisper.content)"
                : "[whisper] \(whisper.from): \(whisper.content)"
        case .presence(let room, let name, let event):
            return "[\(room)] * \(name) \(event == .join ? "joined" : "left")"
        case .error(let code, let message, _):
            return "error \(code): \(message)"
        case .welcome, .joined, .left, .history, .users:
            return nil
        }
    }
}
