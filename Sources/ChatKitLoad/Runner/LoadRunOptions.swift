import ChatKit
import NIOCore

/// How a run is carried out, beside what the scenario says.
public struct LoadRunOptions: Sendable {
    /// Overrides the scenario's target. With neither, an embedded ChatKit server is started.
    public var target: String?
    /// Several servers (the nodes of a cluster) instead of one: user N connects to `targets[N % count]`.
    /// When not empty it replaces `target` and the scenario's target. Default: empty.
    public var targets: [String]
    /// HTTP calls (pre-flight health, admin stats, `http` steps); `nil` skips them.
    public var transport: LoadHTTPTransport?
    /// Event-loop threads for the simulated users. Default: one per core.
    public var threads: Int
    /// A send that leaves later than this after its planned time counts as late. Default 10 ms.
    public var lateThresholdSeconds: Double
    /// Thresholds that replace the scenario's rules for the same metric, or add to them.
    public var thresholdOverrides: [Threshold]
    /// `(index, count)` to run a deterministic 1/count of the users.
    public var shard: (index: Int, count: Int)
    /// Called once a second from a background task.
    public var onProgress: (@Sendable (LoadProgress) -> Void)?
    /// Called with the embedded server's URL when one is started.
    public var onEmbeddedServer: (@Sendable (String) -> Void)?
    /// How the simulated users (and the pre-flight) speak TLS to `wss://` targets; `nil` (default) makes a
    /// `wss://` target an error before anything connects.
    public var tls: (any ClientTLSProvider)?
    /// Stops the run early when called (chatctl wires SIGINT and SIGTERM to it); `nil` (default): runs to the end.
    public var stop: LoadRunStop? = nil
    /// The admin API's bearer token when the scenario's `admin.token` gives none (chatctl passes
    /// `$CHAT_ADMIN_TOKEN`); `nil` or empty (default): admin calls go without one. The library reads no
    /// environment variable.
    public var adminToken: String? = nil

    public init(
        target: String? = nil, transport: LoadHTTPTransport? = nil, threads: Int = System.coreCount,
        lateThresholdSeconds: Double = 0.010, thresholdOverrides: [Threshold] = [], shard: (index: Int, count: Int) = (0, 1),
        onProgress: (@Sendable (LoadProgress) -> Void)? = nil, onEmbeddedServer: (@Sendable (String) -> Void)? = nil,
        targets: [String] = [], tls: (any ClientTLSProvider)? = nil, adminToken: String? = nil
    ) {
        self.target = target
        self.targets = targets
        self.transport = transport
        self.threads = threads
        self.lateThresholdSeconds = lateThresholdSeconds
        self.thresholdOverrides = thresholdOverrides
        self.shard = shard
        self.onProgress = onProgress
        self.onEmbeddedServer = onEmbeddedServer
        self.tls = tls
        self.adminToken = adminToken
    }
}
