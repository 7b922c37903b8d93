import ChatKit

/// The stderr line `chatctl autobahn` prints after each case.
enum AutobahnProgressLine {
    /// E.g. `case 17/301: closed 1000, 3 messages echoed, 12 ms`.
    static func line(case number: Int, of count: Int, outcome: AutobahnCaseOutcome, elapsed: Duration) -> String {
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let ending: String
        if outcome.timedOut {
            ending = "TIMED OUT"
        } else if outcome.closeCode == WebSocketCloseCode.abnormal {
            ending = "dropped without a close frame"
        } else {
            ending = "closed \(outcome.closeCode)" + (outcome.closeReason.isEmpty ? "" : " \(outcome.closeReason)")
        }
        let messages = outcome.messagesEchoed == 1 ? "message" : "messages"
        return "case \(number)/\(count): \(ending), \(outcome.messagesEchoed) \(messages) echoed, \(milliseconds) ms"
    }
}
