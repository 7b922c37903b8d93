import ChatKit
import ChatKitLoad
import Foundation
import XCTest

/// Full runs of the load runner against a real server on loopback, with exact delivery counts.
final class LoadRunnerTests: XCTestCase {
    private func scenario(_ json: String) throws -> Scenario { try ScenarioParser.parse(Data(json.utf8)) }

    func testScriptedRunCountsEveryCopyExactly() async throws {
        // 8 users in one room, each says 10 messages and whispers its neighbour twice:
        // 80 messages × 8 members = 640 copies; 16 whispers.
        let scenario = try self.scenario(#"""
            {"name":"exact","seed":5,
             "groups":[{"name":"g","count":8,"namePattern":"u-{i}","rooms":["room"],
                        "script":[{"say":{"room":"room","size":40,"count":10,"rate":"100/s"}},
                                  {"whisper":{"to":"u-{i+1%8}","text":"hi","count":2}},
                                  {"expect":{"type":"whisper","from":"u-{i+7%8}","timeout":"5s"}}]}],
             "phases":[{"type":"rampUp","duration":"200ms"},{"type":"script","duration":"20s"}],
             "drain":"3s",
             "thresholds":{"delivery.lost":"== 0","whisper.lost":"== 0","latency.broadcast.p99":"< 5s"}}
            """#)
        try await withServer { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            let c = report.counters
            XCTAssertEqual(c["delivery.expected"], 640)
            XCTAssertEqual(c["delivery.received"], 640)
            XCTAssertEqual(c["delivery.lost"], 0)
            XCTAssertEqual(c["delivery.duplicated"], 0)
            XCTAssertEqual(c["delivery.outOfOrder"], 0)
            XCTAssertEqual(c["whisper.sent"], 16)
            XCTAssertEqual(c["whisper.delivered"], 16)
            XCTAssertEqual(c["whisper.leaks"], 0)
            XCTAssertEqual(c["expect.total"], 8)
            XCTAssertEqual(c["expect.failed"], 0)
            XCTAssertEqual(c["sends.total"], 96)
            XCTAssertEqual(c["connect.attempts"], 8)
            XCTAssertEqual(c["connect.errors"], 0)
            XCTAssertEqual(report.latency["broadcast"]?.count, 560)  // 640 copies minus 80 echoes
            XCTAssertEqual(report.latency["echo"]?.count, 80)
            XCTAssertEqual(report.latency["whisper"]?.count, 16)
            XCTAssertEqual(report.latency["connect"]?.count, 8)
            XCTAssertGreaterThan(report.latency["broadcast"]?.p99 ?? 0, 0)
            XCTAssertTrue(report.passed, report.summaryText())
            // The server agrees: 8 joins, 80 says and 16 whispers came in.
            XCTAssertEqual(server.stats.snapshot.messagesIn, 104)
        }
    }

    func testPresenceIsAccountedForUsersWhoJoinLater() async throws {
        // Two groups: residents join at once; visitors join and leave a side room later. Every resident
        // must see each visitor arrive and go: 3 residents × 2 visitors × 2 events = 12.
        let scenario = try self.scenario(#"""
            {"name":"presence","groups":[
               {"name":"residents","count":3,"namePattern":"res-{i}","rooms":["side"]},
               {"name":"visitors","count":2,"namePattern":"vis-{i}",
                "script":[{"wait":"100ms"},{"join":"side"},{"wait":"100ms"},{"leave":"side"}]}],
             "phases":[{"type":"rampUp","duration":"100ms"},{"type":"script","duration":"10s"},{"type":"hold","duration":"200ms"}],
             "thresholds":{"presence.missing":"== 0"}}
            """#)
        try await withServer { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            // Residents also see each other arrive during the ramp-up, and a visitor may see the other: at
            // least the 12 visitor events are expected, and none is missing.
            XCTAssertGreaterThanOrEqual(report.counters["presence.expected"] ?? 0, 12, report.summaryText())
            XCTAssertGreaterThanOrEqual(report.counters["presence.observed"] ?? 0, report.counters["presence.expected"] ?? 0)
            XCTAssertEqual(report.counters["presence.missing"], 0)
            XCTAssertTrue(report.passed)
        }
    }

    func testAMemberDroppedByTheServerShowsItsLosses() async throws {
        // Steady broadcasts for 2 s; the server kicks one member half way. Its missed copies are losses.
        let scenario = try self.scenario(#"""
            {"name":"drop","groups":[{"name":"g","count":4,"namePattern":"d-{i}","rooms":["room"]}],
             "phases":[{"type":"arrivals","duration":"2s","rate":"50/s","action":"say","size":32}],
             "drain":"2s",
             "thresholds":{"delivery.lost":"== 0"}}
            """#)
        try await withServer { server in
            let kicker = Task {
                try await eventually("the run to be under way", timeout: .seconds(10)) {
                    (server.hub.roomSummaries().first?.seq ?? 0) >= 40
                }
                XCTAssertTrue(server.hub.kick("d-2", reason: "test drop"))
            }
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            try await kicker.value
            let c = report.counters
            XCTAssertEqual(c["connect.disconnects"], 1)
            XCTAssertEqual(report.errors["closed_1008"], 1)
            // Arrivals planned for the dropped member could not be sent; every message that was sent was
            // expected by all four members, and the dropped one missed everything after the kick.
            let sent = c["sends.total"] ?? 0
            XCTAssertEqual(sent + (c["sends.failed"] ?? 0), 100)
            XCTAssertGreaterThan(c["sends.failed"] ?? 0, 0)
            XCTAssertEqual(c["delivery.expected"], 4 * sent)
            XCTAssertGreaterThanOrEqual(c["delivery.lost"] ?? 0, 1)
            XCTAssertEqual((c["delivery.received"] ?? 0) + (c["delivery.lost"] ?? 0), 4 * sent)
            XCTAssertFalse(report.passed)
            XCTAssertEqual(report.thresholds.first { !$0.passed }?.metric, "delivery.lost")
        }
    }

    func testOpenModelSendsAreTimedFromTheirPlannedTime() async throws {
        let scenario = try self.scenario(#"""
            {"name":"open","seed":9,"groups":[{"name":"g","count":5,"rooms":["r"]}],
             "phases":[{"type":"arrivals","duration":"1s","rate":"200/s","action":"say","size":64},
                       {"type":"arrivals","duration":"500ms","rate":"100/s","action":"whisper","size":64}],
             "thresholds":{"delivery.lost":"== 0","whisper.lost":"== 0","sends.failed":"== 0"}}
            """#)
        try await withServer { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            XCTAssertEqual(report.counters["sends.total"], 250)
            XCTAssertEqual(report.counters["delivery.expected"], 1000)
            XCTAssertEqual(report.counters["whisper.delivered"], 50)
            XCTAssertTrue(report.passed, report.summaryText())
            XCTAssertEqual(report.generator.sends, 250)
            // Memory per simulated user is measured over the run's set-up: both ends are in the report.
            let atStart = try XCTUnwrap(report.generator.residentBytesAtStart)
            XCTAssertGreaterThan(atStart, 0)
            XCTAssertGreaterThanOrEqual(report.generator.peakResidentBytes, atStart)
            XCTAssertGreaterThanOrEqual(report.timeSeries.count, 1)
            XCTAssertEqual(report.timeSeries.reduce(0) { $0 + $1.messagesOut } <= 250, true)
        }
    }

    func testReportSurvivesAJSONRoundTripAndThresholdsReevaluate() async throws {
        let scenario = try ScenarioParser.parse(
            contentsOf: RepositoryPaths.root.appendingPathComponent("scenarios/smoke.json").path)
        let report = try await LoadRunner.run(scenario, options: LoadRunOptions(threads: 2))
        XCTAssertTrue(report.scenario.embeddedServer)
        let decoded = try LoadReport.decode(try report.jsonData())
        XCTAssertEqual(decoded, report)
        XCTAssertEqual(decoded.latency["broadcast"]?.histogram.count, report.latency["broadcast"]?.count)
        var strict = decoded
        strict.evaluate([try Threshold.parse(metric: "latency.broadcast.p99", expression: "< 1us").get()])
        XCTAssertFalse(strict.passed)
        XCTAssertEqual(strict.thresholds.first?.value, report.latency["broadcast"]?.p99)
    }

    func testLongRepeatsOfInstantStepsNeitherCrashNorStall() async throws {
        // 100 000 join/leave pairs and an empty repeat: a loop, not recursion.
        let scenario = try self.scenario(#"""
            {"name":"loops","groups":[{"name":"g","count":1,"script":[
               {"repeat":{"times":200000,"steps":[]}},
               {"repeat":{"times":3,"steps":[{"join":"r"},{"leave":"r"}]}},
               {"say":{"room":"r","text":"x","count":1}},
               {"join":"r"},{"say":{"room":"r","text":"after","count":2}}]}],
             "phases":[{"type":"script","duration":"20s"}],
             "thresholds":{"delivery.lost":"== 0","errors.total":"== 1"}}
            """#)
        try await withServer { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 1))
            // The say between the pairs and the last join finds no room: one not_in_room.
            XCTAssertEqual(report.errors["not_in_room"], 1, report.summaryText())
            XCTAssertEqual(report.counters["delivery.expected"], 2)
            XCTAssertEqual(report.counters["delivery.received"], 2)
            XCTAssertTrue(report.passed, report.summaryText())
        }
    }

    func testARunEndsEveryConnectionWithACloseHandshake() async throws {
        // The server must see each simulated user leave with a normal close, not a dropped connection: that is
        // what its own disconnect metrics would report after a load test.
        let scenario = try self.scenario(#"""
            {"name":"goodbye","groups":[{"name":"g","count":6,"namePattern":"bye-{i}","rooms":["r"]}],
             "phases":[{"type":"hold","duration":"200ms"}]}
            """#)
        try await withServer { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 2))
            XCTAssertEqual(report.counters["connect.attempts"], 6)
            try await eventually("every connection closed") { server.stats.snapshot.connectionsCurrent == 0 }
            let response = try await httpRequest(port: server.port, method: "GET", path: "/metrics")
            let metrics = try PrometheusExposition.parse(response.body)
            XCTAssertEqual(metrics.value("chat_connections_closed_total", ["reason": "normal"]), 6, response.body)
            XCTAssertEqual(metrics.value("chat_connections_closed_total", ["reason": "abnormal"]), 0, response.body)
        }
    }

    func testUnreachableTargetIsReportedAsSuch() async throws {
        let scenario = try self.scenario(#"{"name":"x","groups":[{"name":"g","count":1}],"phases":[{"type":"hold","duration":"1s"}]}"#)
        do {
            _ = try await LoadRunner.run(scenario, options: LoadRunOptions(target: "ws://127.0.0.1:9/ws"))
            XCTFail("ran against a closed port")
        } catch let error as LoadRunError {
            guard case .targetUnreachable(let url, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(url, "ws://127.0.0.1:9/ws")
        }
    }
}
