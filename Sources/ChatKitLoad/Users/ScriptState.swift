import ChatKit
import NIOCore

/// The state of a simulated user's script interpreter (`SimulatedUser+Script.swift`): the step lists under way,
/// the pending `expect`, and the frames kept for the next one. A value stored in the user, so it costs no
/// allocation of its own; only the user's event loop touches it.
struct ScriptState {
    /// A list of steps under way: the script itself, or the body of a `repeat`.
    struct Frame {
        var steps: [Step]
        var next: Int
        var repeatsLeft: Int
    }

    /// The step lists under way, innermost last.
    var frames: [Frame] = []
    var isRunning = false
    /// The pending `wait`, or the next send of a rated `say` or `whisper`.
    var task: Scheduled<Void>?
    var expectation: (step: ExpectStep, timeout: Scheduled<Void>)?
    /// Frames received and not yet consumed by an `expect` step (only kept when the script has one). Starts
    /// with room for one: NIO's default of 16 frames was 1.4 KB for every user, most of which never expect.
    var unconsumed = CircularBuffer<ServerFrame>(initialCapacity: 1)
    static let unconsumedLimit = 256
    var keepsFramesForExpect = false
}
