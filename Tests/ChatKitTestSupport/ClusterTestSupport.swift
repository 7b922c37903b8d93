import ChatKit
import Foundation
import NIOCore

/// The cluster settings the tests use: fast heartbeats and a short node TTL, so a dead node's users leave
/// within about two seconds.
package func testClusterConfiguration(redis: RedisTestServer, node: String) throws -> ClusterConfiguration {
    ClusterConfiguration(
        redis: try RedisURL(redis.url), nodeID: node, heartbeatInterval: .milliseconds(200),
        nodeTTL: .milliseconds(1500),
        client: RedisClientConfiguration(commandTimeout: .seconds(3), maxBackoff: .milliseconds(300)))
}

/// Starts `count` chat servers on free loopback ports, all nodes of one cluster on `redis`, waits until every
/// node is ready, runs `body`, and shuts them down.
package func withCluster<T>(
    nodes count: Int, redis: RedisTestServer,
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: ([ChatServer]) async throws -> T
) async throws -> T {
    var servers: [ChatServer] = []
    do {
        for index in 0..<count {
            var configuration = ServerConfiguration(
                port: 0, threads: 2, cluster: try testClusterConfiguration(redis: redis, node: "node-\(index)"))
            configure(&configuration)
            servers.append(try await ChatServer.start(configuration: configuration))
        }
        let started = servers
        try await eventually("every node to be ready", timeout: .seconds(15)) {
            started.allSatisfy { $0.isClusterReady == true }
        }
        let result = try await body(servers)
        for server in servers { try await server.shutdown() }
        return result
    } catch {
        for server in servers { try? await server.shutdown() }
        throw error
    }
}
