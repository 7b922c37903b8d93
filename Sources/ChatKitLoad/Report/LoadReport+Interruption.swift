import Foundation

extension LoadReport {
    /// A run stopped early (``LoadRunStop``): by what, when, where it was and what it did not reach.
    public struct Interruption: Codable, Sendable, Equatable {
        /// What stopped it: `SIGINT` or `SIGTERM` from chatctl.
        public var signal: String
        /// Seconds from the start of the run to the stop.
        public var atSeconds: Double
        /// The phase under way (its type: `rampUp`, `arrivals`, `script`, `hold`), `connect` before the first
        /// phase, or `drain` after the last.
        public var phase: String
        /// The types of the phases that did not start, in order.
        public var phasesNotRun: [String]
        /// The signal that ended the drain at once, when a second one came.
        public var drainEndedBy: String?

        public init(signal: String, atSeconds: Double, phase: String, phasesNotRun: [String], drainEndedBy: String?) {
            self.signal = signal
            self.atSeconds = atSeconds
            self.phase = phase
            self.phasesNotRun = phasesNotRun
            self.drainEndedBy = drainEndedBy
        }

        /// One line for the summary, the HTML page and JUnit:
        /// `interrupted by SIGTERM at 3.2 s: phases after "arrivals" not run (hold)`.
        public var sentence: String {
            var text = String(format: "interrupted by %@ at %.1f s", self.signal, self.atSeconds)
            switch self.phase {
            case "drain": text += ", during the drain: every phase ran"
            case "connect" where !self.phasesNotRun.isEmpty:
                text += ", while connecting: no phase run"
            default:
                if self.phasesNotRun.isEmpty {
                    text += ", during the last phase \"\(self.phase)\""
                } else {
                    text += ": phases after \"\(self.phase)\" not run (\(self.phasesNotRun.joined(separator: ", ")))"
                }
            }
            if let second = self.drainEndedBy { text += "; a second \(second) ended the drain at once" }
            return text
        }
    }
}
