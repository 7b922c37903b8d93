import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// Every complete scenario in docs/protocols.md runs as written against the peer the page names, and passes; the
/// json and socketio ones are the shipped scenarios/json-pubsub.json and scenarios/socketio-chat.json.
final class ProtocolDocsExampleTests: XCTestCase {
    /// The page's JSON code blocks that are whole scenarios (they start with a "name").
    private static func examples() throws -> [String] {
        let page = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("docs/protocols.md"), encoding: .utf8)
        return page.components(separatedBy: "```json\n").dropFirst().compactMap { block in
            let body = block.components(separatedBy: "```").first ?? ""
            return body.hasPrefix("{\n  \"name\"") ? body : nil
        }
    }

    func testEveryExampleRunsAsWrittenAndPasses() async throws {
        let examples = try Self.examples()
        XCTAssertEqual(examples.count, 4, "one example a protocol")
        var protocols: [String] = []
        for example in examples {
            let scenario = try ScenarioParser.parse(Data(example.utf8))
            protocols.append(scenario.wireProtocol.rawValue)
            let peer: [String]?
            switch scenario.wireProtocol {
            case .chat: peer = nil
            case .raw: peer = ["raw_broadcast_server.py", "--style", "json"]
            case .json:
                peer = ["json_pubsub_server.py"]
                XCTAssertEqual(scenario, try self.shipped("json-pubsub"))
            case .socketio:
                peer = ["socketio_chat_server.py"]
                XCTAssertEqual(scenario, try self.shipped("socketio-chat"))
            }
            var options = LoadRunOptions(threads: 2)
            var server: ChildProcess?
            if let peer {
                let child = try ChildProcess(
                    try RepositoryPaths.python(), [RepositoryPaths.interopScript(peer[0])] + peer.dropFirst())
                server = child
                options.target = "ws://127.0.0.1:\(try await child.firstLine())/"
            }
            let report = try await LoadRunner.run(scenario, options: options)
            server?.terminate()
            XCTAssertTrue(report.passed, report.summaryText())
            XCTAssertGreaterThan(report.counters["delivery.received"] ?? 0, 0, scenario.name)
        }
        XCTAssertEqual(protocols, ["chat", "raw", "json", "socketio"])
    }

    /// A shipped scenario, less its description (the page says it in prose).
    private func shipped(_ name: String) throws -> Scenario {
        var scenario = try ScenarioParser.parse(
            contentsOf: RepositoryPaths.root.appendingPathComponent("scenarios/\(name).json").path)
        scenario.description = nil
        return scenario
    }
}
