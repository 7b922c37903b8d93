import ChatKitCluster
import ChatKitWebSocket
import Foundation
import NIOCore

/// Everything a ``ChatServer`` can be told, each field documented with its default.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Default `127.0.0.1` (loopback only).
    public var host: String
    /// Port to bind; 0 picks a free one (read it back from ``ChatServer/port``). Default 8080.
    public var port: Int
    /// Limits and timers of every WebSocket connection; `sendQueueLimit` is the slow-consumer bound.
    public var webSocket: WebSocketConfiguration
    /// Messages each room keeps and sends to a member who joins. Default 50.
    public var historySize: Int
    /// How long a message stays in a room's history (`--history-max-age`); `nil`: no age limit (the default).
    /// Older messages are dropped when the history is next read or appended to.
    public var historyMaxAge: TimeAmount?
    /// Longest `content` of a `say` or `whisper`, in UTF-8 bytes; longer gets `too_long`. Default 8 KiB.
    public var maxContentBytes: Int
    /// Longest `id` of a request, in UTF-8 bytes; longer gets `id_too_long`. Default 128.
    public var maxIDBytes: Int
    /// Rooms one connection may be in at once; one more gets `too_many_rooms`. Default 100.
    public var maxRoomsPerConnection: Int
    /// Rooms that may exist at once (a room exists while it has a member); a join that would make one more gets
    /// `room_limit_reached`. Default 100 000.
    public var maxRooms: Int
    /// Most names one `users` reply holds (a page; the reply's `next` asks for the rest), so no `users` request
    /// costs more than one page, whatever the room's size. Names are at most 64 bytes: a page is at most about
    /// 66 KB. Default 1000.
    public var usersPageSize: Int
    /// How often the server looks whether to give memory freed by closed connections back to the system
    /// (``MemoryTrimmer``: only when connections closed and the server is quiet); `nil` never. Default 10 s.
    public var memoryTrimInterval: TimeAmount?
    /// Requests per second one connection may send on average; `nil` for no limit. Default `nil`.
    public var rateLimitPerSecond: Double?
    /// Requests one connection may send in a burst above the rate. Default 20.
    public var rateLimitBurst: Int
    /// Open WebSocket connections the server admits in all; one more upgrade gets `503 too_many_connections`
    /// before it is upgraded (plain HTTP, `/healthz` included, is still answered). 0: no limit. Default
    /// ``defaultMaxConnections``: the open-files limit less a reserve, so the server refuses clearly instead of
    /// running out of descriptors.
    public var maxConnections: Int
    /// Open WebSocket connections admitted from one peer address; one more gets
    /// `503 too_many_connections_from_ip`. 0 (default): no limit, because load tests, proxies and NAT put
    /// thousands of legitimate users behind one address; set it on a server that sees clients directly.
    public var maxConnectionsPerIP: Int
    /// WebSocket handshakes admitted per peer address (a token bucket); over it an upgrade gets
    /// `429 handshake_rate_limited` with `Retry-After`. `nil` (default): no limit, for the same reason as
    /// ``maxConnectionsPerIP`` (a load test opens 10 000 connections from 127.0.0.1 at once).
    public var handshakeRatePerIP: RateLimit?
    /// `join` requests one connection may make (a token bucket, checked before the hub); over it a join gets
    /// `join_rate_limited`. Bounds the join/leave replay of a room's history. `nil`: no limit. Default 20/s with
    /// bursts of 200 (twice the rooms one connection may be in, so joining them all at once passes).
    public var joinRatePerConnection: RateLimit?
    /// `join` requests all connections of one peer address may make together; over it a join gets
    /// `join_rate_limited`. Bounds a join storm (thousands of connections joining one room at once, whose
    /// presence fan-out would drop members as slow consumers). `nil` (default): no limit, for the same reason as
    /// ``maxConnectionsPerIP``.
    public var joinRatePerIP: RateLimit?
    /// Origins (`scheme://host[:port]`) whose pages may connect; `*` allows any. Requests with no `Origin`
    /// header (command-line clients) and same-origin pages are always allowed. Default: none.
    public var allowedOrigins: [String]
    /// `Host` headers the server answers (`--allowed-hosts`, ``AllowedHosts``): DNS-rebinding protection. Empty
    /// (default): bound to loopback, `localhost`, `127.0.0.1`, `[::1]` and the bound address; bound elsewhere,
    /// any host. `*` allows any host. Other hosts get `421 misdirected_request`.
    public var allowedHosts: [String]
    /// Bearer token of the admin API; `nil` disables `/admin/` (404). Default `nil`.
    public var adminToken: String?
    /// How long a connection may take to send a complete HTTP request (handshake included) before it is
    /// dropped: the slowloris guard. Default 10 s.
    public var handshakeTimeout: TimeAmount
    /// Largest HTTP request body accepted (admin calls). Default 64 KiB.
    public var maxRequestBodyBytes: Int
    /// How long a graceful shutdown waits for clients to answer the 1001 close before dropping them.
    /// Default 5 s.
    public var shutdownDeadline: TimeAmount
    /// Event-loop threads. Default: one per core.
    public var threads: Int
    /// What the WebSocket endpoint does: chat (default), broadcast, or echo.
    public var mode: ServerMode
    /// Whether `GET /` serves the browser chat page (chat mode only); `false` makes `/` a 404. Default `true`.
    public var servesChatPage: Bool
    /// The cluster this server is a node of (shared Redis, `chatserver --redis`); `nil` (default) for a
    /// single node. Chat mode only.
    public var cluster: ClusterConfiguration?
    /// Who may read `GET /metrics`: anyone (default), admin-token holders, or no one.
    public var metricsAccess: MetricsAccess
    /// Every how many messages of a room (by `seq`; in broadcast mode, of the broadcasts) one is timed from
    /// receipt to its last member's write for `chat_delivery_seconds`; 1 times every message, 0 none.
    /// Default ``defaultDeliverySampleInterval``.
    public var deliverySampleInterval: Int
    /// TLS in front of everything on the port (`wss://`, `https://`): ChatKitTLS's `NIOSSLServerTLS`, or any
    /// ``ServerTLSProvider``. Default `nil`: plaintext (`ws://`, `http://`).
    public var tls: (any ServerTLSProvider)?

    /// Every 16th room message is timed by default: plenty of samples at any real rate, and the per-copy
    /// cost of a timed message (an atomic decrement at write time and the probe's reference count) is paid
    /// by one message in 16.
    public static let defaultDeliverySampleInterval = 16

    /// The default ``maxConnections``: ``maxConnections(forOpenFilesLimit:)`` of this process's open-files limit
    /// (soft); 0 (no limit) when that is unlimited or unknown.
    public static var defaultMaxConnections: Int {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        // RLIM_INFINITY is all ones: above Int.max.
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < Int.max else { return 0 }
        return Self.maxConnections(forOpenFilesLimit: Int(limit.rlim_cur))
    }

    /// WebSocket connections a process with `openFiles` descriptors admits by default: all but a reserve of an eighth,
    /// at most 1024 (each refused connection is accepted to be answered; plain HTTP, the listening socket, the event
    /// loops, Redis and files need some). 18 976 for 20 000, 896 for 1024; at least 1.
    public static func maxConnections(forOpenFilesLimit openFiles: Int) -> Int {
        max(1, openFiles - min(1024, openFiles / 8))
    }

    /// The default ``joinRatePerConnection``: 20 joins a second, bursts of 200.
    public static let defaultJoinRatePerConnection = RateLimit(perSecond: 20, burst: 200)

    /// Creates a configuration; every argument has the documented default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        webSocket: WebSocketConfiguration = WebSocketConfiguration(),
        historySize: Int = 50,
        maxContentBytes: Int = 8 * 1024,
        maxRoomsPerConnection: Int = 100,
        rateLimitPerSecond: Double? = nil,
        rateLimitBurst: Int = 20,
        allowedOrigins: [String] = [],
        adminToken: String? = nil,
        handshakeTimeout: TimeAmount = .seconds(10),
        maxRequestBodyBytes: Int = 64 * 1024,
        shutdownDeadline: TimeAmount = .seconds(5),
        threads: Int = System.coreCount,
        mode: ServerMode = .chat,
        servesChatPage: Bool = true,
        cluster: ClusterConfiguration? = nil,
        metricsAccess: MetricsAccess = .public,
        deliverySampleInterval: Int = Self.defaultDeliverySampleInterval,
        tls: (any ServerTLSProvider)? = nil,
        allowedHosts: [String] = [],
        maxIDBytes: Int = 128,
        maxRooms: Int = 100_000,
        usersPageSize: Int = 1000,
        memoryTrimInterval: TimeAmount? = .seconds(10),
        maxConnections: Int = Self.defaultMaxConnections,
        maxConnectionsPerIP: Int = 0,
        handshakeRatePerIP: RateLimit? = nil,
        joinRatePerConnection: RateLimit? = Self.defaultJoinRatePerConnection,
        joinRatePerIP: RateLimit? = nil,
        historyMaxAge: TimeAmount? = nil
    ) {
        self.historyMaxAge = historyMaxAge
        self.host = host
        self.port = port
        self.webSocket = webSocket
        self.historySize = historySize
        self.maxContentBytes = maxContentBytes
        self.maxRoomsPerConnection = maxRoomsPerConnection
        self.rateLimitPerSecond = rateLimitPerSecond
        self.rateLimitBurst = rateLimitBurst
        self.allowedOrigins = allowedOrigins
        self.adminToken = adminToken
        self.handshakeTimeout = handshakeTimeout
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.shutdownDeadline = shutdownDeadline
        self.threads = threads
        self.mode = mode
        self.servesChatPage = servesChatPage
        self.cluster = cluster
        self.metricsAccess = metricsAccess
        self.deliverySampleInterval = deliverySampleInterval
        self.tls = tls
        self.allowedHosts = allowedHosts
        self.maxIDBytes = maxIDBytes
        self.maxRooms = maxRooms
        self.usersPageSize = usersPageSize
        self.memoryTrimInterval = memoryTrimInterval
        self.maxConnections = maxConnections
        self.maxConnectionsPerIP = maxConnectionsPerIP
        self.handshakeRatePerIP = handshakeRatePerIP
        self.joinRatePerConnection = joinRatePerConnection
        self.joinRatePerIP = joinRatePerIP
    }
}
