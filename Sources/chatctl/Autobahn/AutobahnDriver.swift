import ChatKit
import Foundation
import NIOCore
import NIOPosix

/// Plays the client under test against an Autobahn|Testsuite fuzzing server (`kosoku -m fuzzingserver`):
/// asks for the number of cases, runs each case with ChatKit's client echoing every message it receives,
/// then asks the fuzzing server to write its reports. The verdicts are in the fuzzing server's reports.
///
/// The fuzzing server's protocol: `GET /getCaseCount` answers one text message (the count) and closes;
/// `GET /runCase?case=N&agent=NAME` runs case N (1-based) on that connection; `GET /updateReports?agent=NAME`
/// writes the reports, after which kosoku exits.
struct AutobahnDriver: Sendable {
    /// The fuzzing server, e.g. `ws://127.0.0.1:9001`; its path, if any, prefixes the three endpoints.
    var baseURL: WebSocketURL
    /// The name the reports file the results under. Default `chatkit`.
    var agent: String
    /// How long one case may take before the client drops it (and reports it as timed out). Default 60 s:
    /// the slowest cases (9.x, 16 MiB messages and 1000-message bursts) take a few seconds.
    var caseTimeout: TimeAmount
    /// Client settings for every connection: messages up to 16 MiB (case 9.1.6 sends 16 MiB), no keepalive
    /// pings (they would appear among the events the cases compare), a send queue deep enough for the
    /// 1000-message bursts of 9.7 and 9.8 whatever the socket's pace.
    var clientConfiguration: ClientConfiguration
    private let group: EventLoopGroup

    /// Creates a driver; nothing is sent before the first call.
    init(
        baseURL: WebSocketURL,
        agent: String = "chatkit",
        caseTimeout: TimeAmount = .seconds(60),
        connectTimeout: TimeAmount = .seconds(10),
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.baseURL = baseURL
        self.agent = agent
        self.caseTimeout = caseTimeout
        self.clientConfiguration = ClientConfiguration(
            webSocket: WebSocketConfiguration(
                maxMessageBytes: 16 * 1024 * 1024, pingInterval: nil, sendQueueLimit: 64 * 1024,
                sendQueueBytes: .max),
            connectTimeout: connectTimeout)
        self.group = group
    }

    /// The number of cases the fuzzing server serves. The fuzzing server sends its answer, its close and the
    /// end of TCP right behind the 101; the client delivers the answer first (`UpgradeCloseDeferral`).
    func caseCount() async throws -> Int {
        let answer: String?
        do {
            answer = try await self.session(
                "/getCaseCount", timeout: self.clientConfiguration.connectTimeout
            ) { finished in
                AutobahnFirstTextDelegate(finished: finished)
            }
        } catch is AutobahnSessionTimeout {
            throw AutobahnDriverError.unexpectedAnswer("/getCaseCount did not answer and close in time")
        } catch AutobahnDriverError.closedDuringHandshake {
            answer = nil
        }
        guard let text = answer, let count = Int(text.trimmingCharacters(in: .whitespaces)), count >= 0 else {
            let answered = answer.map { "\"\($0)\"" } ?? "nothing"
            throw AutobahnDriverError.unexpectedAnswer("/getCaseCount answered \(answered)")
        }
        return count
    }

    /// Runs case `number` (1-based), echoing what the fuzzing server sends until it closes the connection
    /// or the case timeout passes.
    func runCase(_ number: Int) async throws -> AutobahnCaseOutcome {
        do {
            let target = "/runCase?case=\(number)&agent=\(self.encodedAgent)"
            return try await self.session(target, timeout: self.caseTimeout) { finished in
                AutobahnEchoDelegate(finished: finished)
            }
        } catch is AutobahnSessionTimeout {
            return AutobahnCaseOutcome(
                closeCode: WebSocketCloseCode.abnormal, closeReason: "case timed out", messagesEchoed: 0,
                timedOut: true)
        } catch AutobahnDriverError.closedDuringHandshake {
            return AutobahnCaseOutcome(
                closeCode: WebSocketCloseCode.abnormal, closeReason: "", messagesEchoed: 0, timedOut: false)
        }
    }

    /// Asks the fuzzing server to write its reports for ``agent``. kosoku writes them when the request arrives
    /// and drops the connection, often before the handshake has completed on this side: that counts as done,
    /// and so does a connection still open after the connect timeout.
    func updateReports() async throws {
        do {
            _ = try await self.session(
                "/updateReports?agent=\(self.encodedAgent)", timeout: self.clientConfiguration.connectTimeout
            ) { finished in
                AutobahnFirstTextDelegate(finished: finished)
            }
        } catch AutobahnDriverError.closedDuringHandshake, is AutobahnSessionTimeout {
            return
        }
    }

    private var encodedAgent: String {
        self.agent.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+", "#"]))
            ?? self.agent
    }

    /// Opens one connection to `target` (path and query, appended to the base URL's path) and waits until the
    /// delegate completes its promise, at most `timeout` after the handshake; then the connection is dropped.
    private func session<Value: Sendable>(
        _ target: String,
        timeout: TimeAmount,
        makeDelegate: @escaping @Sendable (EventLoopPromise<Value>) -> WebSocketDelegate
    ) async throws -> Value {
        var url = self.baseURL
        let basePath = url.requestTarget.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        url.requestTarget = (basePath.hasSuffix("/") ? String(basePath.dropLast()) : String(basePath)) + target
        let eventLoop = self.group.next()
        let finished = eventLoop.makePromise(of: Value.self)
        let opened = WebSocketClient.connect(
            to: url, configuration: self.clientConfiguration, eventLoop: eventLoop,
            makeDelegate: { makeDelegate(finished) })
        let connection: WebSocketConnection
        do {
            connection = try await opened.get().connection
        } catch {
            let driverError = Self.driverError(error, url: url)
            finished.fail(driverError)
            throw driverError
        }
        let timer = eventLoop.scheduleTask(in: timeout) {
            finished.fail(AutobahnSessionTimeout())
            connection.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        return try await finished.futureResult.get()
    }

    private static func driverError(_ error: Error, url: WebSocketURL) -> AutobahnDriverError {
        switch error {
        case WebSocketClientError.unreachable, WebSocketClientError.connectTimeout:
            return .unreachable("\(error)")
        case WebSocketClientError.handshakeFailed(let why) where why == WebSocketClientError.closedDuringHandshake:
            return .closedDuringHandshake
        default:
            return .unexpectedAnswer("\(url.requestTarget): \(error)")
        }
    }
}

/// A session outlived its timeout.
struct AutobahnSessionTimeout: Error {}
