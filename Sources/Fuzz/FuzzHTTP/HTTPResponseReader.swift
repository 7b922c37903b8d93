import Foundation
import FuzzSupport

/// One HTTP response as it appeared on the wire.
struct WireResponse {
    var statusLine: String
    var status: Int
    /// Header names lowercased, values trimmed, in order.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func values(_ name: String) -> [String] {
        self.headers.filter { $0.name == name }.map(\.value)
    }
}

/// Splits what the server wrote on an HTTP connection into responses, independently of NIO: each must be
/// complete (status line, headers, a `Content-Length` and exactly that many body bytes, none for a `HEAD`).
/// A `101 Switching Protocols` ends HTTP: the bytes after it are returned as the upgraded stream.
enum HTTPResponseReader {
    /// Reads `bytes`; `isHEAD(i)` says whether the i-th request was a HEAD (its response has no body).
    static func read(_ bytes: [UInt8], isHEAD: (Int) -> Bool) -> (responses: [WireResponse], upgraded: [UInt8]?) {
        var responses: [WireResponse] = []
        var index = 0
        let headEnd = Array("\r\n\r\n".utf8)
        while index < bytes.count {
            guard let end = Self.find(headEnd, in: bytes, from: index) else {
                fuzzFail("response \(responses.count) is cut off in its head: \(Self.show(bytes[index...]))")
            }
            let headText = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + headEnd.count
            var lines = headText.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]),
                (100...599).contains(status)
            else { fuzzFail("response \(responses.count) has the status line \"\(statusLine)\"") }
            var headers: [(name: String, value: String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else {
                    fuzzFail("response \(responses.count) has the header line \"\(line)\"")
                }
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers.append((line[..<colon].lowercased(), value))
            }
            var response = WireResponse(statusLine: statusLine, status: status, headers: headers, body: [])
            if status == 101 {
                responses.append(response)
                return (responses, Array(bytes[index...]))
            }
            let lengths = response.values("content-length")
            guard lengths.count == 1, let length = Int(lengths[0]), length >= 0 else {
                fuzzFail("response \(responses.count) (\(statusLine)) has Content-Length \(lengths)")
            }
            let bodyLength = isHEAD(responses.count) ? 0 : length
            guard bytes.count - index >= bodyLength else {
                fuzzFail("response \(responses.count) (\(statusLine)): \(bytes.count - index) of \(length) body bytes")
            }
            response.body = Array(bytes[index..<(index + bodyLength)])
            index += bodyLength
            responses.append(response)
        }
        return (responses, nil)
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count - start >= needle.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    static func show(_ bytes: ArraySlice<UInt8>) -> String {
        "\"\(String(decoding: bytes.prefix(200), as: UTF8.self))\""
    }
}
