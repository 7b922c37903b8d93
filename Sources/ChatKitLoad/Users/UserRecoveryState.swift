import Atomics

/// A simulated user's churn and recovery state (``SimulatedUser``'s `recovery`; the behaviour is in
/// `SimulatedUser+Churn.swift` and `SimulatedUser+Recovery.swift`).
struct UserRecoveryState {
    /// A room to rejoin after a planned disconnection.
    struct Rejoin {
        var room: String
        /// The last `seq` of the room the user saw.
        var since: Int
        /// The room's epoch from the user's last `joined`, when the server gave one.
        var epoch: String?
    }

    /// A planned disconnection under way: from the churn until the user is ready again.
    struct Away {
        enum Stage {
            /// The old connection is being closed (reset, close or kick).
            case closing
            /// The old connection is gone; connecting and rejoining.
            case reconnecting
        }
        var stage: Stage
        /// When the churn happened (monotonic ns), for the reconnect time.
        var startedNanoseconds: Int64
        /// Rejoin with `since` and `epoch`.
        var recover: Bool
        /// How long to stay away before reconnecting.
        var awaySeconds: Double
        /// When the reconnect began (after the away pause), for the reconnect time.
        var reconnectStartedNanoseconds: Int64 = 0
        var rooms: [Rejoin]
        /// Connection attempts made since the churn (when the scenario has no `reconnect` policy).
        var attempts = 0
        /// The churn phase's count of users away, decremented when this one is back or given up.
        var awayCount: ManagedAtomic<Int>
    }

    /// A rejoin with `since` waiting for its `joined` and `history`.
    struct Replay {
        var since: Int
        var epoch: String?
        /// The membership lost with the connection, which the replayed copies complete.
        var finishedIndex: Int?
    }

    var away: Away?
    /// Each room's epoch from its last `joined`.
    var epochs: [String: String] = [:]
    /// Rejoins waiting for their `joined` (then their `history`), by room.
    var replays: [String: Replay] = [:]
    /// Sends planned while the user was away, made once it is back (in order, timed from their planned time).
    var held: [@Sendable () -> Void] = []
    /// Sends held at most per user (each holds its content's size of filler at most, built when it is sent):
    /// beyond it they fail, as when not connected.
    static let heldLimit = 1000

    /// Attempts to reconnect after a churn when the scenario has no `reconnect` policy, and the first delay
    /// (doubled each time, at most ``maxBackoffSeconds``): the server may not have seen the old connection go yet,
    /// and refuses the name for so long (409 `name_taken`).
    static let attempts = 8
    static let backoffSeconds = 0.02
    static let maxBackoffSeconds = 0.5
}
