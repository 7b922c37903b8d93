import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
import ChatKitTestSupport
import Foundation
import XCTest

/// The chat page at `GET /`: its HTTP answers, and a real headless Chromium (Selenium + chromedriver,
/// Tests/interop/browser_chat_test.py) chatting with a ChatKit client.
final class WebPageTests: XCTestCase {
    // MARK: Plain HTTP

    func testGetServesASelfContainedPageUnderAStrictPolicy() async throws {
        try await withServer { server in
            let page = try await httpRequest(port: server.port, method: "GET", path: "/")
            XCTAssertEqual(page.status, 200)
            XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
            XCTAssertEqual(page.headers["cache-control"], "no-cache")
            XCTAssertEqual(page.headers["x-content-type-options"], "nosniff")
            XCTAssertEqual(Int(page.headers["content-length"] ?? ""), page.body.utf8.count)
            XCTAssertTrue(page.body.hasPrefix("<!doctype html>"), page.body)
            XCTAssertTrue(page.body.contains("<title>ChatKit chat</title>"))

            // Self-contained: nothing is fetched from anywhere, and user text is never parsed as HTML.
            for forbidden in ["http://", "https://", "src=", "href=", "<link", "@import", "url(", "//cdn"] {
                XCTAssertFalse(page.body.contains(forbidden), "the page contains \(forbidden)")
            }
            for forbidden in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", " style="] {
                XCTAssertFalse(page.body.contains(forbidden), "the page uses \(forbidden)")
            }
            XCTAssertEqual(page.body.components(separatedBy: "<script").count, 2, "exactly one script element")
            XCTAssertEqual(page.body.components(separatedBy: "<style").count, 2, "exactly one style element")

            // The policy allows exactly the inline script and style that were served, by hash.
            let policy = Self.directives(page.headers["content-security-policy"] ?? "")
            XCTAssertEqual(policy["default-src"], "'none'")
            XCTAssertEqual(policy["connect-src"], "'self' ws: wss:")
            XCTAssertEqual(policy["base-uri"], "'none'")
            XCTAssertEqual(policy["form-action"], "'none'")
            XCTAssertEqual(policy["frame-ancestors"], "'none'")
            let script = try XCTUnwrap(Self.text(of: "script", in: page.body))
            let style = try XCTUnwrap(Self.text(of: "style", in: page.body))
            XCTAssertEqual(policy["script-src"], "'\(ChatPage.hashSource(script))'")
            XCTAssertEqual(policy["style-src"], "'\(ChatPage.hashSource(style))'")
            XCTAssertFalse(page.headers["content-security-policy"]?.contains("unsafe") ?? true)

            // A query string (prefilled name and room) gets the same page.
            let withQuery = try await httpRequest(port: server.port, method: "GET", path: "/?room=load-1&name=watcher")
            XCTAssertEqual(withQuery.status, 200)
            XCTAssertEqual(withQuery.body, page.body)
        }
    }

    func testHeadHasTheHeadersButNoBody() async throws {
        try await withServer { server in
            let get = try await httpRequest(port: server.port, method: "GET", path: "/")
            let head = try await httpRequest(port: server.port, method: "HEAD", path: "/")
            XCTAssertEqual(head.status, 200)
            XCTAssertEqual(head.body, "")
            XCTAssertEqual(head.headers["content-length"], "\(get.body.utf8.count)")
            for name in ["content-type", "content-security-policy", "x-content-type-options", "cache-control"] {
                XCTAssertEqual(head.headers[name], get.headers[name], name)
            }
        }
    }

    func testOtherMethodsOnTheRootAre405() async throws {
        try await withServer { server in
            for method in ["POST", "PUT", "DELETE", "PATCH"] {
                let response = try await httpRequest(port: server.port, method: method, path: "/", body: "{}")
                XCTAssertEqual(response.status, 405, method)
                XCTAssertEqual(response.headers["allow"], "GET", method)
                XCTAssertEqual(response.headers["content-type"], "application/json; charset=utf-8", method)
                XCTAssertEqual(response.json["error"] as? String, "method_not_allowed", method)
            }
        }
    }

    func testNoPageAndOtherModesAnswer404() async throws {
        try await withServer({ $0.servesChatPage = false }) { server in
            for method in ["GET", "HEAD", "POST"] {
                let response = try await httpRequest(port: server.port, method: method, path: "/")
                XCTAssertEqual(response.status, 404, method)
                if method != "HEAD" { XCTAssertEqual(response.json["error"] as? String, "not_found", method) }
            }
        }
        // The page speaks the chat protocol: broadcast and echo servers do not offer it.
        for mode in [ServerMode.broadcast, .echo] {
            try await withServer({ $0.mode = mode }) { server in
                let response = try await httpRequest(port: server.port, method: "GET", path: "/")
                XCTAssertEqual(response.status, 404, "\(mode)")
            }
        }
    }

    func testChatserverNoPageFlag() async throws {
        for (arguments, status) in [([String](), 200), (["--no-page"], 404)] {
            let server = try ChildProcess(try RepositoryPaths.binary("chatserver"), ["--port", "0"] + arguments)
            defer { server.terminate() }
            let line = try await server.firstLine()
            let port = try XCTUnwrap(
                line.split(separator: ":").last.flatMap { Int($0.replacingOccurrences(of: "/ws", with: "")) }, line)
            let response = try await httpRequest(port: port, method: "GET", path: "/")
            XCTAssertEqual(response.status, status, "\(arguments)")
            server.terminate()
            try await server.wait()
        }
    }

    // MARK: A real browser

    func testHeadlessChromiumChatsWithAChatKitClient() async throws {
        let markup = "<img src=x onerror=alert(1)><b>bold</b>"
        let said = "hello from the browser & <i>friends</i>"
        let whispered = "psst, bob"
        try await withServer { server in
            let bob = try await ChatTestClient.connect(server, name: "bob", room: "lobby")
            try bob.send(.say(room: "lobby", content: "said before alice came", id: "b0"))
            _ = try await bob.next { frame -> ChatMessage? in
                if case .message(let message) = frame, message.id == "b0" { return message }
                return nil
            }

            let page = try ChildProcess(try RepositoryPaths.python(), [
                RepositoryPaths.interopScript("browser_chat_test.py"), "\(server.httpURL)/",
                "--name", "alice", "--room", "lobby", "--peer", "bob", "--history-text", "said before alice came",
                "--peer-text", markup, "--say", said, "--whisper", whispered,
            ])
            defer { page.terminate() }

            // 1. The page's user joins: the hub has it, and bob is told.
            try await eventually("alice in the lobby, or the browser script ending", timeout: .seconds(120)) {
                Self.isMember("alice", of: "lobby", server) || !page.process.isRunning
            }
            guard Self.isMember("alice", of: "lobby", server) else {
                let status = try await page.wait(timeout: .seconds(10))
                return XCTFail("the page never joined (exit \(status)):\n\(page.stderr)")
            }
            try await self.next(bob, "alice's presence", page) { frame -> Void? in
                if case .presence("lobby", "alice", .join) = frame { return () }
                return nil
            }

            // 2. bob sends markup; the script checks the page shows it as text only.
            try bob.send(.say(room: "lobby", content: markup, id: "markup"))

            // 3. What alice types in the page reaches bob, as a room message and as a whisper.
            let message = try await self.next(bob, "alice's message", page) { frame -> ChatMessage? in
                if case .message(let message) = frame, message.from == "alice" { return message }
                return nil
            }
            XCTAssertEqual(message.room, "lobby")
            XCTAssertEqual(message.content, said)
            let whisper = try await self.next(bob, "alice's whisper", page) { frame -> WhisperMessage? in
                if case .whisper(let whisper) = frame { return whisper }
                return nil
            }
            XCTAssertEqual(whisper.from, "alice")
            XCTAssertEqual(whisper.to, "bob")
            XCTAssertEqual(whisper.content, whispered)

            // 4. The page disconnects (close 1000): alice leaves.
            try await self.next(bob, "alice leaving", page) { frame -> Void? in
                if case .presence("lobby", "alice", .leave) = frame { return () }
                return nil
            }
            let status = try await page.wait(timeout: .seconds(60))
            XCTAssertEqual(status, 0, page.stderr)
            let summary = try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as? [String: Any] ?? [:]
            XCTAssertEqual(summary["title"] as? String, "ChatKit chat")
            XCTAssertEqual(summary["members"] as? [String], ["alice", "bob"])
            XCTAssertEqual(summary["current_room"] as? String, "[lobby]")
            XCTAssertEqual(summary["peer_line_visible"] as? Bool, true)
        }
    }

    // MARK: Helpers

    private static func isMember(_ name: String, of room: String, _ server: ChatServer) -> Bool {
        server.hub.memberDetails(room: room)?.contains { $0.name == name } == true
    }

    /// The next frame of `client` that `match` accepts, giving up early (with the script's stderr) when the
    /// browser script has ended without it.
    @discardableResult
    private func next<T>(
        _ client: ChatTestClient, _ what: String, _ page: ChildProcess, where match: (ServerFrame) -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            do {
                return try await client.next(timeout: .seconds(1), where: match)
            } catch is TestTimeout {
                if !page.process.isRunning { break }
            }
        }
        let status = try? await page.wait(timeout: .seconds(10))
        XCTFail("no \(what) from the page (script exit \(status.map { "\($0)" } ?? "?")):\n\(page.stderr)")
        throw TestTimeout(what: what)
    }

    /// `Content-Security-Policy` as directive name → value.
    private static func directives(_ policy: String) -> [String: String] {
        var directives: [String: String] = [:]
        for directive in policy.split(separator: ";") {
            let parts = directive.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            guard let name = parts.first else { continue }
            directives[String(name)] = parts.count == 2 ? String(parts[1]) : ""
        }
        return directives
    }

    /// The text inside the first `<tag>…</tag>` of `html`.
    private static func text(of tag: String, in html: String) -> String? {
        guard let open = html.range(of: "<\(tag)>"),
            let close = html.range(of: "</\(tag)>", range: open.upperBound..<html.endIndex)
        else { return nil }
        return String(html[open.upperBound..<close.lowerBound])
    }
}
