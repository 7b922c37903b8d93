import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import Foundation
import XCTest

/// The hub has no single lock: a room whose lock is held (as by a long request in it) delays no other room, no
/// whisper, no health check and no new connection; and rooms are bounded in number with their own errors.
final class HubLockTests: XCTestCase {
    func testARoomHeldBusyDelaysNoOtherRoomNoWhisperNoHealthCheckAndNoNewConnection() async throws {
        try await withServer { server in
            let alice = try await ChatTestClient.connect(server, name: "alice", room: "busy")
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "busy")
            _ = try await alice.next()  // bob's presence
            let carol = try await ChatTestClient.connect(server, name: "carol", room: "quiet")
            let dave = try await ChatTestClient.connect(server, name: "dave", room: "quiet")
            _ = try await carol.next()  // dave's presence

            let busy = try XCTUnwrap(server.hub.directory.room("busy"))
            let holder = RoomLockHolder(busy)
            do {
                // Another room: every message arrives, in order, each well within the bound.
                for index in 0..<20 {
                    try carol.send(.say(room: "quiet", content: "quiet \(index)", id: nil))
                    guard case .message(let message) = try await dave.next(timeout: .seconds(3)) else {
                        return XCTFail("dave expected a message")
                    }
                    XCTAssertEqual(message.content, "quiet \(index)")
                }
                // A whisper to a member of the busy room.
                try carol.send(.whisper(to: "bob", content: "psst", id: nil))
                let whispered = try await bob.next(timeout: .seconds(3)) { frame -> String? in
                    if case .whisper(let whisper) = frame { return whisper.content }
                    return nil
                }
                XCTAssertEqual(whispered, "psst")
                // The health check, and a new connection that joins a new room.
                let health = try await httpRequest(port: server.port, method: "GET", path: "/healthz")
                XCTAssertEqual(health.status, 200)
                let erin = try await ChatTestClient.connect(server, name: "erin", room: "fresh")
                await erin.close()
                holder.release()
            } catch {
                holder.release()
                throw error
            }
            // Once the long request is over, the busy room carries on.
            try alice.send(.say(room: "busy", content: "after", id: nil))
            let after = try await bob.next { frame -> String? in
                if case .message(let message) = frame { return message.content }
                return nil
            }
            XCTAssertEqual(after, "after")
        }
    }

    func testRoomsInTotalAndPerConnectionAreLimitedEachWithItsOwnErrorAndEmptyRoomsGo() async throws {
        try await withServer({
            $0.maxRooms = 3
            $0.maxRoomsPerConnection = 2
        }) { server in
            let alice = try await ChatTestClient.connect(server, name: "alice")
            let bob = try await ChatTestClient.connect(server, name: "bob")
            try await alice.join("r1")
            try await alice.join("r2")
            try alice.send(.join(room: "r3", id: "third"))
            guard case .error(let code, let message, "third") = try await alice.next() else {
                return XCTFail("expected an error")
            }
            XCTAssertEqual(code, .tooManyRooms)
            XCTAssertTrue(message.contains("2 rooms"), message)

            try await bob.join("r3")
            XCTAssertEqual(server.hub.roomCount, 3)
            try bob.send(.join(room: "r4", id: "fourth"))
            guard case .error(let limitCode, let limitMessage, "fourth") = try await bob.next() else {
                return XCTFail("expected an error")
            }
            XCTAssertEqual(limitCode, .roomLimitReached)
            XCTAssertTrue(limitMessage.contains("3 rooms"), limitMessage)
            // A room that exists can still be joined.
            try await bob.join("r1")
            _ = try await alice.next()  // bob's presence in r1

            // A room goes when its last member leaves, and makes way for another.
            try alice.send(.leave(room: "r2", id: nil))
            _ = try await alice.next { frame -> Bool? in
                if case .left("r2", _, _) = frame { return true }
                return nil
            }
            XCTAssertEqual(server.hub.roomCount, 2)
            try bob.send(.leave(room: "r3", id: nil))
            _ = try await bob.next { frame -> Bool? in
                if case .left("r3", _, _) = frame { return true }
                return nil
            }
            try await bob.join("r4")
            XCTAssertEqual(server.stats.snapshot.errors["room_limit_reached"], 1)

            await alice.close()
            await bob.close()
            try await eventually("every room gone with its members") { server.hub.roomCount == 0 }
        }
    }
}

/// Holds one room's lock from a thread of its own until ``release()``, as a long request in that room would.
private final class RoomLockHolder: @unchecked Sendable {
    private let acquired = DispatchSemaphore(value: 0)
    private let releasing = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var isReleased = false

    init(_ room: Room) {
        let thread = Thread { [acquired, releasing, released] in
            room.lock.lock()
            acquired.signal()
            releasing.wait()
            room.lock.unlock()
            released.signal()
        }
        thread.start()
        self.acquired.wait()
    }

    /// Lets the lock go (once) and waits until it is released.
    func release() {
        let first = self.lock.withLock {
            defer { self.isReleased = true }
            return !self.isReleased
        }
        guard first else { return }
        self.releasing.signal()
        self.released.wait()
    }
}

/// No `users` request costs more than a page, whatever the room's size.
final class UsersPagesTests: XCTestCase {
    func testUsersComesInPagesThatFollowOnWithAfter() async throws {
        try await withServer({ $0.usersPageSize = 2 }) { server in
            var clients: [ChatTestClient] = []
            for name in ["erin", "dave", "carol", "bob", "alice"] {
                clients.append(try await ChatTestClient.connect(server, name: name, room: "lobby"))
            }
            let alice = try XCTUnwrap(clients.last)
            try alice.send(.users(room: "lobby", id: "p1"))
            try await alice.expect(.users(room: "lobby", names: ["alice", "bob"], id: "p1", next: "bob"))
            try alice.send(.users(room: "lobby", id: "p2", after: "bob"))
            try await alice.expect(.users(room: "lobby", names: ["carol", "dave"], id: "p2", next: "dave"))
            try alice.send(.users(room: "lobby", id: "p3", after: "dave"))
            try await alice.expect(.users(room: "lobby", names: ["erin"], id: "p3"))
            // `after` need not be a member: the page starts at the first name after it.
            try alice.send(.users(room: "lobby", id: "p4", after: "c"))
            try await alice.expect(.users(room: "lobby", names: ["carol", "dave"], id: "p4", next: "dave"))
            // The wire form: `next` is a field of the reply, `after` one of the request.
            try alice.send(raw: #"{"type":"users","room":"lobby","after":"dave","id":"p5"}"#)
            try await alice.expect(.users(room: "lobby", names: ["erin"], id: "p5"))
            for client in clients { await client.close() }
        }
    }
}
