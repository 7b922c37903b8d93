/// Who may read `GET /metrics`.
public enum MetricsAccess: String, Sendable, CaseIterable {
    /// Anyone who can reach the port, like most Prometheus exporters (the default; the server binds to
    /// loopback unless told otherwise).
    case `public`
    /// Only requests with the admin token (`Authorization: Bearer TOKEN`), for a server reachable by people
    /// who should not see its traffic figures. Needs an admin token.
    case token
    /// The endpoint answers `404 metrics_disabled`.
    case off
}
