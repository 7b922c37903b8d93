/// A load-test scenario: who connects, what they do and when, and what counts as passing.
/// Read from JSON by ``ScenarioParser`` (format: docs/scenarios.md).
public struct Scenario: Sendable, Equatable {
    /// A name for reports.
    public var name: String
    /// Free text for people.
    public var description: String?
    /// Seeds every random choice: the same seed gives the same plan.
    public var seed: UInt64
    /// WebSocket URL of the server under test; `nil` runs against an embedded ChatKit server.
    public var target: String?
    /// Base HTTP URL and token of the server's admin API, for stats before and after and for `http` steps.
    public var admin: AdminTarget?
    /// The protocol spoken: the chat protocol, raw broadcast frames, or another protocol through its adapter.
    public var wireProtocol: LoadProtocol
    /// How long a user may take to connect.
    public var connectTimeoutSeconds: Double
    /// Whether and how users reconnect after losing their connection.
    public var reconnect: ReconnectPolicy?
    /// The users, in groups.
    public var groups: [UserGroup]
    /// The timeline.
    public var phases: [Phase]
    /// Churn phases (``ChurnPhase``): each runs alongside one of `phases` (`phases` itself holds no churn).
    public var churn: [ChurnPhase] = []
    /// How long to wait after the last phase for messages still in flight.
    public var drainSeconds: Double
    /// Pass/fail rules on the report's metrics.
    public var thresholds: [Threshold]
    /// What the built-in run checks allow to go wrong (``RunCheck``); empty: nothing.
    public var tolerate = RunTolerance()
    /// The `json` adapter's mapping (protocol `json` only).
    public var json: JSONProtocolSettings?
    /// The `socketio` adapter's events (protocol `socketio` only).
    public var socketio: SocketIOProtocolSettings?
    /// Headers, subprotocols and tokens for every user's handshake.
    public var connection = ConnectionSettings()

    /// Total number of simulated users.
    public var userCount: Int { self.groups.reduce(0) { $0 + $1.count } }
}

/// The admin API of the server under test.
public struct AdminTarget: Sendable, Equatable {
    /// Base URL, e.g. `http://127.0.0.1:8080`.
    public var url: String
    /// Bearer token; `nil` takes ``LoadRunOptions/adminToken``.
    public var token: String?
}

/// What the simulated users speak.
public enum LoadProtocol: String, Sendable, Equatable, Codable {
    /// ChatKit's chat protocol (docs/protocol.md): rooms, `seq`, whispers, presence.
    case chat
    /// A plain broadcast server (every text frame goes to every client, like gorilla/websocket's chat
    /// example): latency and delivery come from markers chatctl puts in each payload.
    case raw
    /// Any JSON-over-WebSocket chat protocol, mapped by the scenario's `json` block (docs/protocols.md): rooms and
    /// whispers as the mapping allows, delivery from markers chatctl puts in each text.
    case json
    /// Socket.IO v5 over Engine.IO v4 on a WebSocket, mapped by the scenario's `socketio` block (docs/protocols.md).
    case socketio
}

/// Reconnection after a lost connection.
public struct ReconnectPolicy: Sendable, Equatable {
    /// Attempts after each loss before giving up.
    public var attempts: Int
    /// Delay before the first attempt; doubled each time up to `maxBackoffSeconds`.
    public var backoffSeconds: Double
    public var maxBackoffSeconds: Double
}

/// A group of users that share a name pattern, rooms and a script.
public struct UserGroup: Sendable, Equatable {
    public var name: String
    public var count: Int
    /// User names, e.g. `user-{i}` (`{i}` is the index in the group, from 0; see ``NamePattern``).
    public var namePattern: String
    /// Rooms each user joins once connected (patterns, e.g. `room-{i%10}`).
    public var rooms: [String]
    /// What each user does during `script` phases.
    public var script: [Step]
}

/// One step of the timeline.
public enum Phase: Sendable, Equatable {
    /// Connect every user, spread evenly over the duration; each joins its group's rooms.
    case rampUp(seconds: Double)
    /// An open model: actions arrive at a planned rate whatever the server does.
    case arrivals(Arrivals)
    /// Every user runs its group's script; the phase ends when all scripts are done, or at the duration.
    case script(maxSeconds: Double?)
    /// Nothing new is sent; deliveries continue.
    case hold(seconds: Double)

    /// The phase's kind as scenario files spell it.
    public var kind: String {
        switch self {
        case .rampUp: return "rampUp"
        case .arrivals: return "arrivals"
        case .script: return "script"
        case .hold: return "hold"
        }
    }
}

/// An open-model phase: actions arrive at a rate that moves linearly from `fromRate` to `toRate`.
public struct Arrivals: Sendable, Equatable {
    public var seconds: Double
    /// Actions per second at the start of the phase.
    public var fromRate: Double
    /// Actions per second at the end (equal to `fromRate` for a constant rate).
    public var toRate: Double
    /// The group whose users act; `nil` for every user.
    public var group: String?
    /// What each arrival does.
    public var action: ArrivalAction
    /// What is sent.
    public var content: MessageContent
}

/// What one arrival does.
public enum ArrivalAction: String, Sendable, Equatable {
    /// Broadcast to one of the user's rooms.
    case say
    /// Whisper to a random other user.
    case whisper
}

/// The content of generated messages.
public enum MessageContent: Sendable, Equatable {
    /// This exact text (a measurement marker is added to it).
    case text(String)
    /// Filler text of about this many bytes, marker included.
    case size(Int)
}

/// One step of a user's script.
public indirect enum Step: Sendable, Equatable {
    case join(room: String)
    case leave(room: String)
    case say(SayStep)
    case whisper(WhisperStep)
    /// Wait a fixed time (`minSeconds == maxSeconds`) or a random time in the range.
    case wait(minSeconds: Double, maxSeconds: Double)
    case expect(ExpectStep)
    case http(HTTPStep)
    case `repeat`(times: Int, steps: [Step])
}

/// Broadcast `count` messages to a room, `ratePerSecond` apart (all at once when `nil`).
public struct SayStep: Sendable, Equatable {
    /// Room pattern; `nil` picks one of the user's rooms at random for each message.
    public var room: String?
    public var content: MessageContent
    public var count: Int
    public var ratePerSecond: Double?
}

/// Whisper `count` messages, `ratePerSecond` apart.
public struct WhisperStep: Sendable, Equatable {
    public var to: WhisperTarget
    public var content: MessageContent
    public var count: Int
    public var ratePerSecond: Double?
}

/// Who a whisper goes to.
public enum WhisperTarget: Sendable, Equatable {
    /// Any other user of the scenario, at random.
    case random
    /// A random user whose name matches a glob (`talker-*`).
    case matching(glob: String)
    /// One name (a pattern expanded with the sender's index, e.g. `user-{i+1%100}`).
    case name(String)
}

/// Wait until a frame that matches arrives; a timeout counts as a failed expectation.
public struct ExpectStep: Sendable, Equatable {
    /// Frame type (`message`, `whisper`, `presence`, …); `nil` matches any.
    public var type: String?
    public var room: String?
    public var from: String?
    /// Text the content must contain.
    public var contains: String?
    public var timeoutSeconds: Double
}

/// An HTTP call through libcurl, checked against the expected status.
public struct HTTPStep: Sendable, Equatable {
    public var method: String
    /// Absolute URL, or a path resolved against the admin URL (or the target's HTTP base).
    public var url: String
    public var headers: [String: String]
    public var body: String?
    public var expectStatus: Int
    public var timeoutSeconds: Double
}
