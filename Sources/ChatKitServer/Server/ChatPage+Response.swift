import Foundation

extension ChatPage {
    /// The page's Content-Security-Policy. Nothing may load (`default-src 'none'`) except the page's own
    /// inline script and style, each allowed by the SHA-256 of its exact text, and WebSocket connections
    /// (`connect-src 'self' ws: wss:`; `'self'` covers same-origin `ws:`/`wss:` in CSP Level 3 browsers, the
    /// schemes cover older ones). Hashes, not nonces, because the page never changes: the policy is computed
    /// once and needs no per-response randomness or templating, and it cannot drift from the text it allows.
    /// No forms may be submitted anywhere, no `<base>` may be set, and no other site may frame the page.
    static let contentSecurityPolicy = [
        "default-src 'none'",
        "script-src '\(Self.hashSource(Self.script))'",
        "style-src '\(Self.hashSource(Self.style))'",
        "connect-src 'self' ws: wss:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// The document as UTF-8, encoded once.
    private static let htmlBytes = Array(Self.html.utf8)

    /// The `GET /` response: the document as UTF-8 HTML, revalidated on every load (`no-cache`) so a new
    /// server version's page is never mixed with an old cached one. Built per request from ``htmlBytes``:
    /// a `Data` held in a global shows as a leak to LeakSanitizer at exit (seen by the HTTP fuzz target).
    static var response: HTTPResponse {
        HTTPResponse(
            status: .ok,
            body: Data(Self.htmlBytes),
            contentType: "text/html; charset=utf-8",
            cacheControl: "no-cache",
            headers: [
                ("Content-Security-Policy", Self.contentSecurityPolicy),
                ("X-Content-Type-Options", "nosniff"),
            ])
    }

    /// A CSP hash source, `sha256-<base64>`, for an inline element whose text is `text`.
    static func hashSource(_ text: String) -> String {
        "sha256-" + Data(SHA256.digest(Array(text.utf8))).base64EncodedString()
    }
}
