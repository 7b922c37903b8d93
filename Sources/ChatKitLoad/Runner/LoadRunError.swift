/// Why a run could not be carried out.
public enum LoadRunError: Error, Sendable, CustomStringConvertible {
    /// Nothing answered at the target (exit code 3).
    case targetUnreachable(url: String, reason: String)
    /// The target answered but no connection could be used: every upgrade refused (HTTP 404, 403, …), or every
    /// attempt failed (exit code 3).
    case targetUnusable(url: String, reason: String)
    /// The options or scenario do not allow a run (exit code 2).
    case invalid(String)
    /// A raw-protocol run was given no target, neither in the options nor in the scenario: there is no embedded
    /// raw server (exit code 2).
    case targetMissing

    public var description: String {
        switch self {
        case .targetUnreachable(let url, let reason): return "target unreachable: \(url): \(reason)"
        case .targetUnusable(_, let reason): return "target unusable: \(reason)"
        case .invalid(let message): return message
        case .targetMissing:
            return "protocol raw needs a target: set the scenario's \"target\" or the run's target"
                + " (only protocol chat has an embedded server)"
        }
    }
}
