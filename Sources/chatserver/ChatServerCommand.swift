import ArgumentParser
import ChatKit
import ChatKitTLS
import Dispatch
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

@main
struct ChatServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatserver",
        abstract: "A WebSocket chat server: rooms, broadcast, whisper, presence, history, health and admin HTTP.",
        discussion: """
            Chat clients connect to ws://HOST:PORT/ws?name=NAME[&room=ROOM] (protocol: docs/protocol.md).
            The same port serves a chat page for browsers at GET / (http://HOST:PORT/; --no-page turns it off),
            GET /healthz, GET /readyz, GET /metrics (Prometheus text format; see --metrics) and, with an admin
            token, the admin API under /admin/.
            With --tls-cert and --tls-key everything on the port is served over TLS instead: wss://HOST:PORT/ws,
            https://HOST:PORT/ (PEM files; the certificate file may hold the whole chain, the server's first).
            The first line on stdout is the bound address, so scripts can read the port when --port is 0.
            SIGINT or SIGTERM: stop accepting, send close 1001 to everyone, exit.

            Examples:
              chatserver --port 8080
              chatserver --port 0 --admin-token secret --history 100 --rate-limit 20
              CHAT_ADMIN_TOKEN=secret chatserver --host 0.0.0.0 --allowed-origins https://chat.example.com
              chatserver --redis redis://127.0.0.1:6379 --node-id node-a   # one node of a cluster
              chatserver --port 8443 --tls-cert server.crt --tls-key server.key   # wss:// and https://
              chatserver --host 0.0.0.0 --max-connections-per-ip 100 --handshake-rate-per-ip 10 --join-rate-per-ip 50
            """,
        version: ChatKitVersion.current
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free port.")
    var port = 8080

    @Option(help: "Bearer token that enables the admin API (default: $CHAT_ADMIN_TOKEN; unset disables /admin/).")
    var adminToken: String?

    @Option(help: "Largest WebSocket message accepted, in bytes; larger ones are closed with 1009 (default 64 KiB; 16 MiB in echo mode).")
    var maxMessageBytes: Int?

    @Option(help: "chat: the chat protocol on /ws; broadcast: every text frame to everyone, any path (like gorilla's chat example); echo: every message back to its sender, any path (conformance testing).")
    var mode: ServerMode = .chat

    @Flag(help: "Shorthand for --mode echo.")
    var echo = false

    @Flag(help: "Do not serve the browser chat page at GET / (it answers 404 then).")
    var noPage = false

    @Option(help: "Longest say/whisper content, in UTF-8 bytes; longer gets error too_long.")
    var maxContentBytes = 8 * 1024

    @Option(help: "Messages each room keeps and replays to members who join.")
    var history = 50

    @Option(help: "Seconds a message stays in a room's history (replayed on join and recovered by join with since); 0: no age limit.")
    var historyMaxAge: Double = 0

    @Option(help: "Longest request id, in UTF-8 bytes; longer gets error id_too_long.")
    var maxIdBytes = 128

    @Option(help: "Rooms one connection may be in at once; one more gets error too_many_rooms.")
    var maxRoomsPerConnection = 100

    @Option(help: "Rooms that may exist at once (a room exists while it has a member); one more gets error room_limit_reached.")
    var maxRooms = 100_000

    @Option(help: "Most names in one users reply; longer member lists come in pages (the reply's next field).")
    var usersPageSize = 1000

    @Option(help: "Seconds between looks at whether to give memory freed by closed connections back to the system (only when connections closed and fewer than 1000 messages arrived meanwhile); 0 never.")
    var memoryTrimInterval: Double = 10

    @Option(help: "Messages that may wait for one slow client before it is dropped with close 1008.")
    var sendQueue = 1024

    @Option(help: "Bytes of messages (history, room messages, errors, presence) that may wait for one slow client before it is dropped with close 1008 (default 1 MiB; 64 MiB in echo mode).")
    var sendQueueBytes: Int?

    @Option(help: "Requests per second per connection (average); 0 disables the limit.")
    var rateLimit: Double = 0

    @Option(help: "Requests per connection allowed in a burst above --rate-limit.")
    var rateBurst = 20

    @Option(
        help: ArgumentHelp(
            "Open WebSocket connections in all; one more upgrade gets 503 too_many_connections (0: no limit).",
            discussion: """
                Default: the open-files limit less an eighth of it, at most 1024 (kept for refusals, plain HTTP and \
                files): 18976 for 20000, 896 for 1024. So the server refuses clearly instead of running out of \
                descriptors. Plain HTTP (/healthz) is still answered.
                """))
    var maxConnections: Int?

    @Option(
        help: ArgumentHelp(
            "Open WebSocket connections from one IP address (0: no limit); one more gets 503 too_many_connections_from_ip.",
            discussion: "Off by default: load tests, proxies and NAT put thousands of users behind one address."))
    var maxConnectionsPerIp = 0

    @Option(
        help: ArgumentHelp(
            "WebSocket handshakes per second from one IP address (0: no limit); over it, 429 handshake_rate_limited.",
            discussion: "Off by default: a load test opens 10 000 connections from 127.0.0.1 at once."))
    var handshakeRatePerIp: Double = 0

    @Option(help: "Handshakes from one IP address allowed in a burst above --handshake-rate-per-ip.")
    var handshakeBurstPerIp = 100

    @Option(help: "Joins per second per connection (average); over it a join gets error join_rate_limited; 0: no limit.")
    var joinRate: Double = 20

    @Option(help: "Joins per connection allowed in a burst above --join-rate (twice the 100 rooms a connection may be in).")
    var joinBurst = 200

    @Option(
        help: ArgumentHelp(
            "Joins per second of all connections from one IP address together (0: no limit); over it, join_rate_limited.",
            discussion: """
                Stops a join storm (thousands of connections joining one room at once) from dropping members as \
                slow consumers. Off by default, for the same reason as --max-connections-per-ip.
                """))
    var joinRatePerIp: Double = 0

    @Option(help: "Joins from one IP address allowed in a burst above --join-rate-per-ip.")
    var joinBurstPerIp = 500

    @Option(
        help: ArgumentHelp(
            "Origins whose pages may connect (comma-separated or repeated); '*' allows any.",
            discussion: """
                Clients that send no Origin header are always allowed, and pages of this server's own origin when \
                its host is an allowed host (--allowed-hosts).
                """))
    var allowedOrigins: [String] = []

    @Option(
        help: ArgumentHelp(
            "Host headers the server answers (comma-separated or repeated; HOST or HOST:PORT); '*' allows any.",
            discussion: """
                Guards against DNS rebinding: any other Host gets 421. Default: bound to loopback, localhost, \
                127.0.0.1, [::1] and the bound address (any port); bound elsewhere, any host. Pages are allowed to \
                connect from --allowed-origins, or from their own origin when its host is allowed.
                """))
    var allowedHosts: [String] = []

    @Option(help: "Seconds between keepalive pings; 0 disables them.")
    var pingInterval: Double = 20

    @Option(help: "Seconds a client may stay silent after a ping before it is dropped.")
    var pongTimeout: Double = 10

    @Option(help: "Seconds a connection may take to send a complete HTTP request or upgrade.")
    var handshakeTimeout: Double = 10

    @Option(help: "Seconds shutdown waits for clients to answer close 1001.")
    var shutdownTimeout: Double = 5

    @Option(help: "Event-loop threads (default: one per core).")
    var threads = System.coreCount

    @Option(
        help: ArgumentHelp(
            "Join a cluster of nodes sharing this Redis: redis://HOST:PORT[/DB].",
            discussion: "Default: $CHAT_REDIS_URL; unset runs a single node."))
    var redis: String?

    @Option(help: "This node's id in the cluster (default: $CHAT_NODE_ID, else $HOSTNAME, else random).")
    var nodeId: String?

    @Option(help: "Seconds between cluster heartbeats.")
    var heartbeatInterval: Double = 1

    @Option(help: "Seconds a silent node counts as alive; then its users leave and their names are freed.")
    var nodeTtl: Double = 5

    @Option(
        help: ArgumentHelp(
            "Who may read GET /metrics: public (anyone who reaches the port), token (admin token holders), off.",
            discussion: "token needs --admin-token (or $CHAT_ADMIN_TOKEN)."))
    var metrics: MetricsAccess = .public

    @Option(
        help: ArgumentHelp(
            "Time every Nth room message from receipt to its last member's write (chat_delivery_seconds).",
            discussion: "1 times every message, 0 none."))
    var deliverySampleInterval = ServerConfiguration.defaultDeliverySampleInterval

    @Option(
        help: ArgumentHelp(
            "Serve TLS (wss://, https://) with this PEM certificate chain, the server's certificate first.",
            discussion: "Needs --tls-key.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert (unencrypted).", valueName: "file"))
    var tlsKey: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    /// ArgumentParser's `main`, except that bad flags exit with 2 (not EX_USAGE, 64), as documented.
    static func main() async {
        do {
            var command = try Self.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard Self.exitCode(for: error) == .validationFailure else { Self.exit(withError: error) }
            FileHandle.standardError.write(Data((Self.fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be from 0 to 65535, got \(self.port)") }
        if let maxMessageBytes = self.maxMessageBytes, maxMessageBytes < 125 {
            throw ValidationError("--max-message-bytes must be at least 125")
        }
        if self.echo && self.mode != .chat && self.mode != .echo {
            throw ValidationError("--echo conflicts with --mode \(self.mode.rawValue)")
        }
        guard self.maxContentBytes > 0 else { throw ValidationError("--max-content-bytes must be positive") }
        guard self.history >= 0 else { throw ValidationError("--history must be 0 or more") }
        guard self.historyMaxAge >= 0, self.historyMaxAge <= 1_000_000_000 else {  // NaN fails too
            throw ValidationError(
                "--history-max-age must be from 0 (no age limit) to 1000000000 seconds, got \(self.historyMaxAge)")
        }
        guard self.maxIdBytes >= 1 else { throw ValidationError("--max-id-bytes must be at least 1, got \(self.maxIdBytes)") }
        guard self.maxRoomsPerConnection >= 1 else {
            throw ValidationError("--max-rooms-per-connection must be at least 1, got \(self.maxRoomsPerConnection)")
        }
        guard self.maxRooms >= 1 else { throw ValidationError("--max-rooms must be at least 1, got \(self.maxRooms)") }
        guard self.memoryTrimInterval >= 0 else {
            throw ValidationError("--memory-trim-interval must be 0 or more, got \(self.memoryTrimInterval)")
        }
        guard self.usersPageSize >= 1 else {
            throw ValidationError("--users-page-size must be at least 1, got \(self.usersPageSize)")
        }
        guard self.sendQueue >= 1 else { throw ValidationError("--send-queue must be at least 1") }
        if let bytes = self.sendQueueBytes, bytes < 1024 {
            throw ValidationError("--send-queue-bytes must be at least 1024, got \(bytes)")
        }
        guard self.rateLimit >= 0 else { throw ValidationError("--rate-limit must be 0 or more") }
        guard self.rateBurst >= 1 else { throw ValidationError("--rate-burst must be at least 1") }
        if let maxConnections = self.maxConnections, maxConnections < 0 {
            throw ValidationError("--max-connections must be 0 or more, got \(maxConnections)")
        }
        guard self.maxConnectionsPerIp >= 0 else {
            throw ValidationError("--max-connections-per-ip must be 0 or more, got \(self.maxConnectionsPerIp)")
        }
        for (flag, rate, burstFlag, burst) in [
            ("--handshake-rate-per-ip", self.handshakeRatePerIp, "--handshake-burst-per-ip", self.handshakeBurstPerIp),
            ("--join-rate", self.joinRate, "--join-burst", self.joinBurst),
            ("--join-rate-per-ip", self.joinRatePerIp, "--join-burst-per-ip", self.joinBurstPerIp),
        ] {
            guard rate >= 0, rate.isFinite else { throw ValidationError("\(flag) must be 0 or more (a finite number), got \(rate)") }
            guard burst >= 1 else { throw ValidationError("\(burstFlag) must be at least 1, got \(burst)") }
        }
        guard self.pingInterval >= 0 else { throw ValidationError("--ping-interval must be 0 or more") }
        guard self.pongTimeout > 0 else { throw ValidationError("--pong-timeout must be positive") }
        if self.pingInterval > 0 && self.pongTimeout >= self.pingInterval {
            throw ValidationError("--pong-timeout must be below --ping-interval")
        }
        guard self.handshakeTimeout > 0 else { throw ValidationError("--handshake-timeout must be positive") }
        guard self.shutdownTimeout >= 0 else { throw ValidationError("--shutdown-timeout must be 0 or more") }
        if let redis = self.redisURLText {
            do { _ = try RedisURL(redis) } catch { throw ValidationError("--redis: \(error)") }
            guard self.mode == .chat && !self.echo else { throw ValidationError("--redis needs --mode chat") }
        }
        guard self.heartbeatInterval > 0 else { throw ValidationError("--heartbeat-interval must be positive") }
        guard self.nodeTtl > self.heartbeatInterval else {
            throw ValidationError("--node-ttl must be above --heartbeat-interval")
        }
        guard (1...256).contains(self.threads) else { throw ValidationError("--threads must be from 1 to 256") }
        guard self.deliverySampleInterval >= 0 else {
            throw ValidationError("--delivery-sample-interval must be 0 or more")
        }
        if self.metrics == .token && self.resolvedAdminToken == nil {
            throw ValidationError("--metrics token needs an admin token (--admin-token or $CHAT_ADMIN_TOKEN)")
        }
        switch (self.tlsCert, self.tlsKey) {
        case (.some, nil): throw ValidationError("--tls-cert needs --tls-key (the certificate's private key)")
        case (nil, .some): throw ValidationError("--tls-key needs --tls-cert (the certificate chain)")
        default: break
        }
        _ = try self.serverTLS()
        for entry in self.allowedHostList {
            if let problem = ServerConfiguration.allowedHostProblem(entry) {
                throw ValidationError("--allowed-hosts: \(problem)")
            }
        }
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// A rate flag and its burst as a limit; rate 0 means none.
    private static func rateLimit(_ perSecond: Double, burst: Int) -> RateLimit? {
        perSecond > 0 ? RateLimit(perSecond: perSecond, burst: burst) : nil
    }

    /// `--allowed-hosts`, comma-separated entries split.
    private var allowedHostList: [String] {
        self.allowedHosts.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `--redis`, else `$CHAT_REDIS_URL`; empty counts as unset.
    private var redisURLText: String? {
        (self.redis ?? ProcessInfo.processInfo.environment["CHAT_REDIS_URL"]).flatMap { $0.isEmpty ? nil : $0 }
    }

    private var clusterConfiguration: ClusterConfiguration? {
        guard let text = self.redisURLText, let url = try? RedisURL(text) else { return nil }
        let environment = ProcessInfo.processInfo.environment
        var configuration = ClusterConfiguration(
            redis: url, heartbeatInterval: .fromSeconds(self.heartbeatInterval), nodeTTL: .fromSeconds(self.nodeTtl))
        if let nodeID = self.nodeId ?? environment["CHAT_NODE_ID"] ?? environment["HOSTNAME"], !nodeID.isEmpty {
            configuration.nodeID = nodeID
        }
        return configuration
    }

    /// TLS from `--tls-cert` and `--tls-key`, or `nil` without them; an unusable file is a usage error (exit 2)
    /// that names the flag and the file.
    private func serverTLS() throws -> NIOSSLServerTLS? {
        guard let certificate = self.tlsCert, let key = self.tlsKey else { return nil }
        do {
            return try NIOSSLServerTLS(certificateChainFile: certificate, privateKeyFile: key)
        } catch {
            throw ValidationError("\(error.role == .privateKey ? "--tls-key" : "--tls-cert") \(error)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "chatserver")
        logger.logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        let mode = self.echo ? ServerMode.echo : self.mode
        let maxMessageBytes = self.maxMessageBytes ?? (mode == .echo ? 16 * 1024 * 1024 : 64 * 1024)
        let configuration = ServerConfiguration(
            host: self.host,
            port: self.port,
            webSocket: WebSocketConfiguration(
                maxMessageBytes: maxMessageBytes,
                pingInterval: self.pingInterval > 0 ? .fromSeconds(self.pingInterval) : nil,
                deadPeerTimeout: .fromSeconds(self.pongTimeout),
                sendQueueLimit: self.sendQueue,
                sendQueueBytes: self.sendQueueBytes ?? (mode == .echo ? 64 * 1024 * 1024 : 1024 * 1024)),
            historySize: self.history,
            maxContentBytes: self.maxContentBytes,
            maxRoomsPerConnection: self.maxRoomsPerConnection,
            rateLimitPerSecond: self.rateLimit > 0 ? self.rateLimit : nil,
            rateLimitBurst: self.rateBurst,
            allowedOrigins: self.allowedOrigins.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } },
            adminToken: self.resolvedAdminToken,
            handshakeTimeout: .fromSeconds(self.handshakeTimeout),
            shutdownDeadline: .fromSeconds(self.shutdownTimeout),
            threads: self.threads,
            mode: mode,
            servesChatPage: !self.noPage,
            cluster: self.clusterConfiguration,
            metricsAccess: self.metrics,
            deliverySampleInterval: self.deliverySampleInterval,
            tls: try self.serverTLS(),
            allowedHosts: self.allowedHostList,
            maxIDBytes: self.maxIdBytes,
            maxRooms: self.maxRooms,
            usersPageSize: self.usersPageSize,
            memoryTrimInterval: self.memoryTrimInterval > 0 ? .fromSeconds(self.memoryTrimInterval) : nil,
            maxConnections: self.maxConnections ?? ServerConfiguration.defaultMaxConnections,
            maxConnectionsPerIP: self.maxConnectionsPerIp,
            handshakeRatePerIP: Self.rateLimit(self.handshakeRatePerIp, burst: self.handshakeBurstPerIp),
            joinRatePerConnection: Self.rateLimit(self.joinRate, burst: self.joinBurst),
            joinRatePerIP: Self.rateLimit(self.joinRatePerIp, burst: self.joinBurstPerIp),
            historyMaxAge: self.historyMaxAge > 0 ? .fromSeconds(self.historyMaxAge) : nil
        )
        let server: ChatServer
        do {
            server = try await ChatServer.start(configuration: configuration, logger: logger)
        } catch {
            FileHandle.standardError.write(Data(
                "chatserver: cannot listen on \(self.host):\(self.port): \(Self.describeListenError(error))\n".utf8))
            throw ExitCode(1)
        }
        print("listening on \(server.url)")
        fflush(nil)
        logger.info("chatserver \(ChatKitVersion.current) serving", metadata: [
            "mode": "\(mode.rawValue)",
            "url": "\(server.url)", "admin": "\(configuration.adminToken == nil ? "disabled" : "enabled")",
            "page": "\(configuration.servesChatPage && mode == .chat ? server.httpURL + "/" : "off")",
            "cluster": "\(configuration.cluster.map { "\($0.redis) as \($0.nodeID)" } ?? "none")",
            "metrics": "\(configuration.metricsAccess.rawValue)",
            "tls": "\(self.tlsCert.map { "on (\($0))" } ?? "off")",
        ])
        // SIGINT or SIGTERM: a graceful shutdown (1001 to everyone, waiting up to --shutdown-timeout).
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        try await group.run()
    }

    /// Why listening failed, as a person says it (`address already in use`), not NIO's
    /// `bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`.
    static func describeListenError(_ error: Error) -> String {
        guard let error = error as? IOError else { return "\(error)" }
        let text = String(cString: strerror(error.errnoCode))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// The admin token from `--admin-token` or `$CHAT_ADMIN_TOKEN`; an empty one counts as none.
    private var resolvedAdminToken: String? {
        (self.adminToken ?? ProcessInfo.processInfo.environment["CHAT_ADMIN_TOKEN"]).flatMap { $0.isEmpty ? nil : $0 }
    }
}

extension ServerMode: ExpressibleByArgument {}
extension MetricsAccess: ExpressibleByArgument {}
