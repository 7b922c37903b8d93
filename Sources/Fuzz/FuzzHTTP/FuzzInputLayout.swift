import ChatKit
import Foundation

/// How one fuzz input of the HTTP target is read: an optional first line `MODE broadcast` or `MODE echo`
/// (chat otherwise), then the bytes of up to ``maxConnections`` client connections separated by
/// ``separator``. Connections are opened one after the other on one server, so a later one can whisper to
/// an earlier one, which is still open.
struct FuzzInputLayout {
    static let separator = Array("\n--next-connection--\n".utf8)
    static let maxConnections = 4

    var mode: ServerMode
    var connections: [[UInt8]]

    init(_ data: Data) {
        var bytes = [UInt8](data)
        self.mode = .chat
        for (prefix, mode) in [("MODE broadcast\n", ServerMode.broadcast), ("MODE echo\n", .echo)] {
            let prefixBytes = Array(prefix.utf8)
            if bytes.starts(with: prefixBytes) {
                self.mode = mode
                bytes.removeFirst(prefixBytes.count)
            }
        }
        self.connections = Self.split(bytes, limit: Self.maxConnections)
    }

    /// `bytes` cut at each separator, into at most `limit` pieces (the last keeps any further separators).
    private static func split(_ bytes: [UInt8], limit: Int) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + Self.separator.count <= bytes.count, pieces.count < limit - 1 {
            if bytes[index..<(index + Self.separator.count)].elementsEqual(Self.separator) {
                pieces.append(Array(bytes[start..<index]))
                index += Self.separator.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }
}
