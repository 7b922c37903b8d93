import Foundation

/// One HTTP/1.1 request over a raw loopback connection, returning status, headers and the JSON body.
package struct HTTPTestResponse {
    package var status: Int
    package var headers: [String: String]
    package var body: String

    package var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body.utf8))) as? [String: Any] ?? [:]
    }
}

package func httpRequest(
    port: Int, method: String, path: String, headers: [String] = [], body: String? = nil
) async throws -> HTTPTestResponse {
    let client = try await RawTCPClient.connect(port: port)
    var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for header in headers { request += header + "\r\n" }
    if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
    request += "\r\n" + (body ?? "")
    try await client.write(request)
    try await client.channel.closeFuture.get()
    return try parseHTTPResponse(client.text)
}

package func parseHTTPResponse(_ text: String) throws -> HTTPTestResponse {
    guard let split = text.range(of: "\r\n\r\n") else { throw TestTimeout(what: "a complete HTTP response in \(text)") }
    let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
    let statusParts = lines.first?.split(separator: " ") ?? []
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw TestTimeout(what: "a status line") }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return HTTPTestResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
}
