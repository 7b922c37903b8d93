import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import Dispatch
import Foundation
import NIOCore
import XCTest

/// The script phase against a real server, with the users' event loop held busy the way a large ramp-up or a
/// sanitizer build holds it.
final class ScriptPhaseTests: XCTestCase {
    func testAScriptPhaseThatStartsWhileTheUsersLoopIsBusyStillRunsEveryScript() async throws {
        // Two users each say 3 messages. Their loop is blocked for a while when the phase begins: the phase
        // must wait for the scripts to start and finish, not read "no script running" and end at once (which
        // happened in CI: a chatctl run under ThreadSanitizer sent nothing and passed).
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"busy","groups":[{"name":"g","count":2,"namePattern":"b-{i}","rooms":["r"],
                "script":[{"say":{"room":"r","text":"hello","count":3,"rate":"100/s"}}]}],
             "phases":[{"type":"script","duration":"20s"}]}
            """#.utf8))
        try await withServer { server in
            let run = try UsersOnOneLoop(scenario, server: server)
            let (loop, metrics, users, context) = (run.loop, run.metrics, run.users, run.context)
            try await run.connect()
            XCTAssertEqual(context.connectedUsers.load(ordering: .relaxed), 2)

            let release = DispatchSemaphore(value: 0)
            loop.execute { release.wait() }
            let phase = Task { await LoadRunner.runScripts(users, plan: run.plan, context: context, maxSeconds: 20) }
            // The busy spell: long enough that a phase which only polls the running count would have ended.
            try await Task.sleep(for: .milliseconds(200))
            release.signal()
            await phase.value

            let totals = try await loop.submit { metrics.totals }.get()
            XCTAssertEqual(totals.sends, 6)
            XCTAssertEqual(totals.failedSends, 0)
            XCTAssertEqual(totals.scriptsStarted, 2)
            XCTAssertEqual(totals.scriptsFinished, 2)
            XCTAssertEqual(totals.scriptsStopped, 0)
            XCTAssertEqual(context.scriptsRunning.load(ordering: .relaxed), 0)
            try await run.shutdown()
        }
    }

    func testScriptsCutShortByThePhaseDurationAreCountedAsStopped() async throws {
        // One quick user finishes; two slow ones are still waiting when the 500 ms phase ends. A run that did
        // not do all it planned can fail on `scripts.stopped`.
        let scenario = try ScenarioParser.parse(Data(#"""
            {"name":"cut","groups":[
               {"name":"quick","count":1,"namePattern":"q-{i}","rooms":["r"],
                "script":[{"say":{"room":"r","text":"done","count":1}}]},
               {"name":"slow","count":2,"namePattern":"s-{i}","rooms":["r"],
                "script":[{"wait":"30s"},{"say":{"room":"r","text":"never","count":1}}]},
               {"name":"idle","count":1,"namePattern":"i-{i}","rooms":["r"]}],
             "phases":[{"type":"script","duration":"500ms"}],
             "thresholds":{"scripts.stopped":"== 0"}}
            """#.utf8))
        try await withServer { server in
            let report = try await LoadRunner.run(scenario, options: LoadRunOptions(target: server.url, threads: 1))
            let c = report.counters
            XCTAssertEqual(c["scripts.started"], 3)
            XCTAssertEqual(c["scripts.finished"], 1)
            XCTAssertEqual(c["scripts.stopped"], 2)
            XCTAssertEqual(c["sends.total"], 1)
            XCTAssertFalse(report.passed)
            XCTAssertEqual(report.thresholds.first?.metric, "scripts.stopped")
            XCTAssertEqual(report.thresholds.first?.passed, false)
            XCTAssertTrue(report.summaryText().contains("runs 3 (finished 1, stopped 2)"), report.summaryText())
            XCTAssertLessThan(report.durationSeconds, 10, "the phase's duration ended the slow scripts")
        }
    }
}
