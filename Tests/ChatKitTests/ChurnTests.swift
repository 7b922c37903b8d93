import ChatKit
import ChatKitLoad
import ChatKitTestSupport
import Foundation
import XCTest

/// Churn phases against a real server on loopback: users disconnected on purpose (reset, close, kick) while messages
/// flow, reconnecting and recovering with `since`. The truth of what each churned user missed comes from an
/// observer of the test's own in the room: presence is ordered with messages, so the messages it sees between a
/// user's `leave` and its next `join` are exactly those that user was not there for.
final class ChurnTests: XCTestCase {
    private func scenario(_ json: String) throws -> Scenario { try ScenarioParser.parse(Data(json.utf8)) }

    func testResetsAtFivePerSecondWithRecoveryLoseNothing() async throws {
        // 6 users in one room say 60 messages/s for 3 s; 5 resets/s, each user away 100 ms: every churn misses a few
        // messages, all replayed on the rejoin.
        let scenario = try self.scenario(#"""
            {"name":"churn-reset","seed":3,"groups":[{"name":"g","count":6,"namePattern":"c-{i}","rooms":["room"]}],
             "phases":[{"type":"rampUp","duration":"100ms"},
                       {"type":"churn","rate":"5/s","mode":"reset","away":"100ms"},
                       {"type":"arrivals","duration":"3s","rate":"60/s","action":"say","size":40}],
             "drain":"3s",
             "thresholds":{"delivery.lost":"== 0","recovery.recovered":"> 0","recovery.reconnect.p99":"< 5s"}}
            """#)
        try await withServer { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            let c = report.counters
            XCTAssertGreaterThanOrEqual(c["recovery.churned"] ?? 0, 12, report.summaryText())
            XCTAssertEqual(c["recovery.reconnects"], c["recovery.churned"])
            XCTAssertEqual(c["recovery.rejoins"], c["recovery.churned"])
            XCTAssertEqual(c["recovery.reconnectsFailed"], 0)
            XCTAssertEqual(c["recovery.gaps"], 0)
            XCTAssertGreaterThan(c["recovery.recovered"] ?? 0, 0)
            XCTAssertEqual(c["delivery.lost"], 0)
            XCTAssertEqual(c["delivery.received"], c["delivery.expected"])
            // Every message was sent (sends planned while away were held and made on return) and expected by all 6.
            XCTAssertEqual((c["sends.total"] ?? 0) + (c["sends.failed"] ?? 0), 180)
            XCTAssertEqual(c["sends.failed"], 0)
            XCTAssertGreaterThan(c["recovery.heldSends"] ?? 0, 0, "about 8% of the sends fall while their user is away")
            XCTAssertEqual(c["delivery.expected"], 6 * (c["sends.total"] ?? 0))
            // Planned churn is not a lost connection.
            XCTAssertEqual(c["users.disconnected"], 0)
            XCTAssertEqual(c["connect.disconnects"], 0)
            XCTAssertEqual(report.latency["recoveryReconnect"]?.count, c["recovery.reconnects"].map(UInt64.init))
            XCTAssertEqual(report.latency["recovered"]?.count, c["recovery.recovered"].map(UInt64.init))
            XCTAssertTrue(report.passed, report.summaryText())
        }
    }

    func testTheShippedChurnScenarioPassesAgainstTheEmbeddedServer() async throws {
        let scenario = try ScenarioParser.parse(
            contentsOf: RepositoryPaths.root.appendingPathComponent("scenarios/churn.json").path)
        XCTAssertEqual(scenario.churn.first?.mode, .reset)
        let report = try await LoadRunner.run(scenario, options: LoadRunOptions(threads: 2))
        XCTAssertTrue(report.scenario.embeddedServer)
        XCTAssertGreaterThanOrEqual(report.counters["recovery.churned"] ?? 0, 20, report.summaryText())
        XCTAssertGreaterThan(report.counters["recovery.recovered"] ?? 0, 0)
        XCTAssertEqual(report.counters["delivery.lost"], 0)
        XCTAssertTrue(report.passed, report.summaryText())
        XCTAssertTrue(report.summaryText().contains("recovery     churned "), report.summaryText())
    }

    func testWithoutRecoveryEveryMessageMissedWhileAwayIsLost() async throws {
        let (report, truth) = try await self.observedChurn(mode: "reset", recover: false)
        let c = report.counters
        XCTAssertGreaterThan(truth.missed, 0)
        XCTAssertEqual(truth.returns, c["recovery.churned"], report.summaryText())
        XCTAssertEqual(c["delivery.lost"], truth.missed, report.summaryText())
        XCTAssertEqual(c["recovery.recovered"], 0)
        XCTAssertEqual(c["recovery.rejoins"], 0)
        XCTAssertEqual(c["delivery.received"], (c["delivery.expected"] ?? 0) - truth.missed)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.thresholds.filter { !$0.passed }.map(\.metric), ["delivery.lost"])
    }

    func testResetRecoveryReplaysExactlyWhatWasMissed() async throws {
        let (report, truth) = try await self.observedChurn(mode: "reset", recover: true)
        self.assertRecoveredEverything(report, truth)
    }

    func testCloseRecoveryReplaysExactlyWhatWasMissed() async throws {
        let (report, truth) = try await self.observedChurn(mode: "close", recover: true)
        self.assertRecoveredEverything(report, truth)
    }

    func testKickRecoveryReplaysExactlyWhatWasMissed() async throws {
        let (report, truth) = try await self.observedChurn(mode: "kick", recover: true)
        self.assertRecoveredEverything(report, truth)
        XCTAssertEqual(report.counters["connect.disconnects"], 0)
    }

    func testAHistoryTooShortIsAGapAndFailsTheRun() async throws {
        // The server keeps 2 messages; each churned user misses at least 5: every rejoin has a gap, only the last
        // 2 messages of what it missed are recovered, the rest is lost.
        let (report, truth) = try await self.observedChurn(mode: "reset", recover: true, history: 2)
        let c = report.counters
        let gaps = c["recovery.gaps"] ?? 0
        XCTAssertGreaterThan(gaps, 0)
        XCTAssertEqual(gaps, c["recovery.rejoins"], report.summaryText())
        XCTAssertEqual(c["recovery.recovered"], 2 * gaps)
        XCTAssertEqual((c["delivery.lost"] ?? 0) + (c["recovery.recovered"] ?? 0), truth.missed)
        XCTAssertGreaterThan(c["delivery.lost"] ?? 0, 0)
        XCTAssertFalse(report.passed)
        let check = try XCTUnwrap(report.checks?.first { $0.check == "recoveryGaps" })
        XCTAssertFalse(check.passed)
        XCTAssertTrue(check.message.contains("history too short"), check.message)
    }

    func testKickWithoutTheAdminTokenIsRefusedBeforeTheRun() async throws {
        let scenario = try self.scenario(Self.observedScenario(mode: "kick", recover: true))
        try await withServer({ $0.adminToken = "tok" }) { server in
            do {
                _ = try await LoadRunner.run(
                    scenario, options: LoadRunOptions(target: server.url, transport: LoopbackHTTP(), threads: 2))
                XCTFail("a kick churn without the admin token ran")
            } catch let error as LoadRunError {
                XCTAssertTrue("\(error)".contains("admin API's token"), "\(error)")
            }
        }
    }

    func testAReconnectThatFailsFailsTheRunWithItsCause() async throws {
        // One churn at the start of the hold; while the user is away (300 ms), the test takes its name, so every
        // reconnect is refused with 409 name_taken until chatctl gives up.
        let scenario = try self.scenario(#"""
            {"name":"churn-fail","groups":[{"name":"g","count":3,"namePattern":"f-{i}","rooms":["r"]}],
             "phases":[{"type":"rampUp","duration":"50ms"},
                       {"type":"churn","rate":"2/s","duration":"400ms","away":"300ms"},
                       {"type":"hold","duration":"3s"}],
             "drain":"1s"}
            """#)
        try await withServer { server in
            let observer = try await ChatTestClient.connect(server, name: "observer", room: "r")
            let squatter = Task { () -> ChatTestClient in
                let name = try await observer.next(timeout: .seconds(20)) { frame -> String? in
                    if case .presence(_, let name, .leave) = frame { return name }
                    return nil
                }
                return try await ChatTestClient.connect(server, name: name)
            }
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            let squatting = try await squatter.value
            let c = report.counters
            XCTAssertEqual(c["recovery.churned"], 1, report.summaryText())
            XCTAssertEqual(c["recovery.reconnectsFailed"], 1)
            XCTAssertEqual(c["recovery.reconnects"], 0)
            XCTAssertGreaterThanOrEqual(c["connect.errors"] ?? 0, 8)
            XCTAssertFalse(report.passed)
            let check = try XCTUnwrap(report.checks?.first { $0.check == "failedReconnects" })
            XCTAssertFalse(check.passed)
            XCTAssertTrue(check.message.contains("1 of 1 churned users did not come back"), check.message)
            XCTAssertTrue(check.message.contains("reconnect failed after 8 attempts"), check.message)
            XCTAssertTrue(
                FailureCauses.sorted(report.failures?.connect ?? [:]).contains { $0.cause.contains("409") },
                "\(report.failures?.connect ?? [:])")
            await squatting.close()
            await observer.close()
        }
    }

    func testAKickTheServerRefusesFailsTheRunWithItsCause() async throws {
        let scenario = try self.scenario(Self.observedScenario(mode: "kick", recover: true))
        try await withServer({ $0.adminToken = "tok" }) { server in
            let report = try await LoadRunner.run(
                scenario,
                options: LoadRunOptions(target: server.url, transport: LoopbackHTTP(), threads: 2, adminToken: "wrong"))
            let c = report.counters
            XCTAssertGreaterThan(c["recovery.churned"] ?? 0, 0)
            XCTAssertEqual(c["recovery.reconnectsFailed"], c["recovery.churned"], report.summaryText())
            XCTAssertEqual(c["recovery.reconnects"], 0)
            XCTAssertFalse(report.passed)
            let check = try XCTUnwrap(report.checks?.first { $0.check == "failedReconnects" })
            XCTAssertFalse(check.passed)
            XCTAssertTrue(check.message.contains("kick: HTTP 401"), check.message)
        }
    }

    func testAnUnplannedDisconnectDuringChurnStillFailsTheRun() async throws {
        // Churn only the "churned" group; the server drops a "steady" user on its own: that one is a loss.
        let scenario = try self.scenario(#"""
            {"name":"churn-unplanned","groups":[
               {"name":"churned","count":3,"namePattern":"ch-{i}","rooms":["r"]},
               {"name":"steady","count":2,"namePattern":"st-{i}","rooms":["r"]}],
             "phases":[{"type":"rampUp","duration":"50ms"},
                       {"type":"churn","rate":"5/s","group":"churned","away":"50ms"},
                       {"type":"arrivals","duration":"2s","rate":"40/s","action":"say","size":32}],
             "drain":"2s"}
            """#)
        try await withServer { server in
            let kicker = Task {
                try await eventually("the run to be under way", timeout: .seconds(10)) {
                    (server.hub.roomSummaries().first?.seq ?? 0) >= 30
                }
                XCTAssertTrue(server.hub.kick("st-1", reason: "test drop"))
            }
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            try await kicker.value
            let c = report.counters
            XCTAssertGreaterThanOrEqual(c["recovery.churned"] ?? 0, 5, report.summaryText())
            XCTAssertEqual(c["recovery.reconnectsFailed"], 0)
            XCTAssertEqual(c["connect.disconnects"], 1)
            XCTAssertEqual(c["users.disconnected"], 1)
            XCTAssertEqual(report.errors["closed_1008"], 1)
            let check = try XCTUnwrap(report.checks?.first { $0.check == "disconnects" })
            XCTAssertFalse(check.passed)
            XCTAssertTrue(check.message.contains("test drop"), check.message)
            XCTAssertFalse(report.passed)
        }
    }

    // MARK: Helpers

    private func assertRecoveredEverything(_ report: LoadReport, _ truth: ObservedChurn) {
        let c = report.counters
        XCTAssertGreaterThan(truth.missed, 0)
        XCTAssertEqual(truth.returns, c["recovery.churned"], report.summaryText())
        XCTAssertEqual(c["recovery.reconnects"], c["recovery.churned"])
        XCTAssertEqual(c["recovery.recovered"], truth.missed, report.summaryText())
        XCTAssertEqual(c["recovery.gaps"], 0)
        XCTAssertEqual(c["delivery.lost"], 0)
        XCTAssertEqual(c["users.disconnected"], 0)
        XCTAssertTrue(report.passed, report.summaryText())
    }

    /// 5 listeners in room `r` under a churn of 5/s for 2 s, each churned user away 150 ms; the test's observer says
    /// 5 messages each time it sees someone leave (so messages flow only while someone is away, and none is in
    /// flight when the next user is churned 200 ms later).
    private static func observedScenario(mode: String, recover: Bool) -> String {
        #"""
        {"name":"churn-observed","seed":11,"groups":[{"name":"g","count":5,"namePattern":"l-{i}","rooms":["r"]}],
         "phases":[{"type":"rampUp","duration":"100ms"},
                   {"type":"churn","rate":"5/s","mode":"\#(mode)","away":"150ms","recover":\#(recover)},
                   {"type":"hold","duration":"2s"}],
         "drain":"2s","thresholds":{"delivery.lost":"== 0"}}
        """#
    }

    private func observedChurn(
        mode: String, recover: Bool, history: Int = 50
    ) async throws -> (LoadReport, ObservedChurn) {
        let scenario = try self.scenario(Self.observedScenario(mode: mode, recover: recover))
        return try await withServer({
            $0.historySize = history
            $0.adminToken = "tok"
        }) { server in
            let observer = try await ChatTestClient.connect(server, name: "observer", room: "r")
            let watching = Task { try await Self.watch(observer) }
            let report = try await LoadRunner.run(
                scenario,
                options: LoadRunOptions(target: server.url, transport: LoopbackHTTP(), threads: 2, adminToken: "tok"))
            try observer.send(.say(room: "r", content: "END", id: nil))
            let truth = try await watching.value
            await observer.close()
            return (report, truth)
        }
    }

    struct ObservedChurn {
        /// Messages posted while some user was away, summed over users (each user's leave to its next join).
        var missed = 0
        /// Users seen leaving and coming back.
        var returns = 0
    }

    /// Reads the observer's frames until its own `END`: answers each `leave` with 5 messages, and counts for each user
    /// away the messages posted until it is back.
    private static func watch(_ observer: ChatTestClient) async throws -> ObservedChurn {
        var truth = ObservedChurn()
        var missing: [String: Int] = [:]  // users away → messages posted since they left
        while true {
            switch try await observer.next(timeout: .seconds(30)) {
            case .presence(_, let name, .leave):
                missing[name] = 0
                for _ in 0..<5 { try observer.send(.say(room: "r", content: "while \(name) is away", id: nil)) }
            case .presence(_, let name, .join):
                if let missed = missing.removeValue(forKey: name) {
                    truth.missed += missed
                    truth.returns += 1
                }
            case .message(let message):
                if message.from == "observer" && message.content == "END" { return truth }
                for name in missing.keys { missing[name, default: 0] += 1 }
            default:
                break
            }
        }
    }
}

/// HTTP for the load runner's admin calls (the kick), over a raw loopback connection.
private struct LoopbackHTTP: LoadHTTPTransport {
    func perform(_ request: LoadHTTPRequest) async -> Result<LoadHTTPResponse, LoadHTTPError> {
        guard let url = URL(string: request.url), let port = url.port else {
            return .failure(LoadHTTPError(message: "bad URL \(request.url)", isUnreachable: true))
        }
        let path = url.path + (url.query.map { "?" + $0 } ?? "")
        do {
            let response = try await httpRequest(
                port: port, method: request.method, path: path.isEmpty ? "/" : path,
                headers: request.headers.map { "\($0.0): \($0.1)" })
            return .success(LoadHTTPResponse(status: response.status, body: Data(response.body.utf8)))
        } catch {
            return .failure(LoadHTTPError(message: "\(error)", isUnreachable: true))
        }
    }
}
