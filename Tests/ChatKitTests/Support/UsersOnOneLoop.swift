import ChatKit
@testable import ChatKitChat
@testable import ChatKitCluster
@testable import ChatKitServer
@testable import ChatKitWebSocket
@testable import ChatKitLoad
import NIOCore
import NIOPosix

/// The simulated users of a scenario on one event loop of their own, aimed at a test server, outside
/// `LoadRunner.run`: for tests that play a phase or the drain themselves, with the loop or a socket in hand.
struct UsersOnOneLoop {
    let plan: LoadPlan
    let context: LoadRunContext
    let loop: EventLoop
    let metrics = LoopMetrics()
    let users: [SimulatedUser]
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    init(_ scenario: Scenario, server: ChatServer) throws {
        self.plan = LoadPlan(scenario: scenario)
        self.context = LoadRunContext(
            plan: self.plan, targetURLs: [try WebSocketURL(server.url)], clientConfiguration: ClientConfiguration(),
            transport: nil, httpBase: nil, adminAuthorization: nil, lateThresholdNanoseconds: 10_000_000)
        self.loop = self.group.next()
        let (loop, context, metrics) = (self.loop, self.context, self.metrics)
        self.users = self.plan.users.map { SimulatedUser(planned: $0, eventLoop: loop, run: context, metrics: metrics) }
    }

    /// Connects every user, at once.
    func connect() async throws {
        try await LoadRunner.connect(self.users, context: self.context, loopMetrics: [self.metrics], rampSeconds: 0)
    }

    /// Closes every connection with a close handshake, then stops the loop.
    func shutdown() async throws {
        for user in self.users { _ = try? await self.loop.flatSubmit { user.closeForShutdown() }.get() }
        try await self.group.shutdownGracefully()
    }
}
