import ChatKit
import Foundation

/// Connects a member that never reads to `room`, then has a second member send 4000-byte messages there
/// (a window of 20 at a time, waiting for its own copies, as a real client keeps) until the server drops the
/// stuck one as a slow consumer. Returns the stuck connection (to close) and how many messages were sent.
package func driveStuckReaderUntilDropped(
    _ server: ChatServer, room: String = "heavy"
) async throws -> (RawTCPClient, Int) {
    let stuck = try await RawTCPClient.connect(port: server.port, autoRead: false, receiveBufferBytes: 2048)
    try await stuck.sendUpgrade(target: "/ws?name=stuck&room=\(room)")
    try await eventually("stuck joined") { server.hub.memberDetails(room: room)?.count == 1 }
    let sender = try await ChatTestClient.connect(server, name: "heavy-sender", room: room)
    let content = String(repeating: "h", count: 4000)
    var sent = 0
    // Until it is dropped, or gone for another reason (a keepalive ping it never answers, say): then the caller's
    // assertions say so at once instead of after 20 000 messages.
    func stuckIsMember() -> Bool { server.hub.memberDetails(room: room)?.contains { $0.name == "stuck" } ?? false }
    while server.stats.snapshot.slowConsumersDropped == 0 && sent < 20_000 && stuckIsMember() {
        for _ in 0..<20 {
            try sender.send(.say(room: room, content: content, id: nil))
            sent += 1
        }
        var echoed = 0
        while echoed < 20 {
            if case .message = try await sender.next() { echoed += 1 }
        }
    }
    return (stuck, sent)
}
