import CCurl
import Foundation

/// A small blocking HTTP/1.1 client over libcurl, for chatctl's health and admin calls.
///
/// Every call makes, uses and frees its own easy handle, so one client value may be used from any number
/// of threads at once. Both timeouts are always set: a call never waits longer than `timeoutSeconds`.
/// Proxies from the environment (`http_proxy`, …) are ignored: chatctl talks to the chat server directly,
/// and a proxy picked up by accident would turn "connection refused" into a confusing proxy error.
/// From async code use the `async` overload of ``perform(method:url:headers:body:timeoutSeconds:)``,
/// which keeps the blocking call off Swift's cooperative thread pool.
public struct CurlHTTPClient: Sendable {
    /// The longest a connection attempt may take, in seconds; a call's connect timeout is the smaller of
    /// this and its total timeout, so an unreachable server is reported before a slow response would be.
    public var connectTimeoutSeconds: Double
    /// The largest response body accepted, in bytes; a larger one stops the transfer with an error rather
    /// than filling memory. The admin API's answers are a few kilobytes.
    public var maxResponseBytes: Int
    /// The `User-Agent` header sent with every request.
    public var userAgent: String
    /// How `https://` servers' certificates are checked. Default: against the system's roots and the host name.
    public var tls: CurlTLSSettings

    /// Creates a client; the defaults suit chatctl's calls to a chat server.
    public init(
        connectTimeoutSeconds: Double = 10, maxResponseBytes: Int = 16 << 20, userAgent: String = "chatctl",
        tls: CurlTLSSettings = CurlTLSSettings()
    ) {
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.maxResponseBytes = maxResponseBytes
        self.userAgent = userAgent
        self.tls = tls
    }

    /// `curl_global_init` must run once, before any handle, and is not thread-safe: a `static let` is
    /// initialised exactly once, under a lock, on first use.
    private static let globalInitError: String? = {
        let code = ccurl_global_init_default()
        return code == CURLE_OK ? nil : String(cString: curl_easy_strerror(code))
    }()

    /// Performs one request and waits for the whole response.
    ///
    /// - Parameters:
    ///   - method: `GET`, `HEAD`, `POST`, `PUT`, `DELETE`, … (upper-case letters).
    ///   - url: The complete URL, e.g. `http://127.0.0.1:8080/healthz`.
    ///   - headers: Extra header fields, as (name, value) pairs.
    ///   - body: The request body, or `nil` for none. A body with `GET` or `HEAD` is not sent.
    ///   - timeoutSeconds: The longest the whole call may take; must be positive.
    /// - Returns: The response, whatever its status.
    /// - Throws: ``CurlHTTPError`` when no response arrived (cannot connect, timed out, …).
    public func perform(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeoutSeconds: Double
    ) throws -> HTTPResult {
        precondition(!method.isEmpty && method.allSatisfy { $0.isASCII && $0.isUppercase }, "bad method \(method)")
        precondition(timeoutSeconds > 0, "timeoutSeconds must be positive")
        if let problem = Self.globalInitError {
            throw CurlHTTPError.setupFailed(url, reason: "curl_global_init failed: \(problem)")
        }
        guard let handle = curl_easy_init() else {
            throw CurlHTTPError.setupFailed(url, reason: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        // No "Expect: 100-continue" round trip for larger bodies: the chat server answers at once.
        for line in headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard let appended = curl_slist_append(headerList, line) else {
                throw CurlHTTPError.setupFailed(url, reason: "cannot build the header list")
            }
            headerList = appended
        }

        let response = ResponseAccumulator(maxBodyBytes: self.maxResponseBytes)
        let responsePointer = Unmanaged.passUnretained(response).toOpaque()
        let timeoutMilliseconds = Self.milliseconds(timeoutSeconds)
        let connectMilliseconds = min(timeoutMilliseconds, Self.milliseconds(self.connectTimeoutSeconds))

        var setup: [(String, CURLcode)] = [
            ("URL", ccurl_easy_setopt_string(handle, CURLOPT_URL, url)),
            ("NOSIGNAL", ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)),
            ("PROXY", ccurl_easy_setopt_string(handle, CURLOPT_PROXY, "")),
            // Send the path as given: percent-encoded names must not be merged away as `..` segments.
            ("PATH_AS_IS", ccurl_easy_setopt_long(handle, CURLOPT_PATH_AS_IS, 1)),
            ("TIMEOUT_MS", ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)),
            ("CONNECTTIMEOUT_MS", ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectMilliseconds)),
            ("USERAGENT", ccurl_easy_setopt_string(handle, CURLOPT_USERAGENT, self.userAgent)),
            ("HTTPHEADER", ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)),
            ("WRITEFUNCTION", ccurl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, appendBody)),
            ("WRITEDATA", ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, responsePointer)),
            ("HEADERFUNCTION", ccurl_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION, appendHeader)),
            ("HEADERDATA", ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, responsePointer)),
            ("ERRORBUFFER", ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, response.errorBuffer)),
        ]
        setup += Self.setMethod(handle, method: method, body: body)
        setup += Self.setTLS(handle, self.tls)
        if let (option, code) = setup.first(where: { $0.1 != CURLE_OK }) {
            throw CurlHTTPError.setupFailed(
                url, reason: "CURLOPT_\(option): \(Self.describe(code))", curlCode: Int(code.rawValue))
        }

        // `response` is referenced only through an unretained pointer during the call: keep it alive.
        let code = withExtendedLifetime(response) { curl_easy_perform(handle) }
        guard code == CURLE_OK else {
            throw Self.error(code, url: url, timeoutSeconds: timeoutSeconds, maxResponseBytes: self.maxResponseBytes,
                             bodyTooLarge: response.bodyTooLarge, detail: response.errorDetail)
        }
        var status = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResult(status: status, headers: response.headers, body: response.body)
    }

    /// Sets how `https://` certificates are checked; returns each option's result for checking.
    private static func setTLS(_ handle: UnsafeMutableRawPointer, _ tls: CurlTLSSettings) -> [(String, CURLcode)] {
        var results: [(String, CURLcode)] = []
        if tls.insecure {
            results.append(("SSL_VERIFYPEER", ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)))
            results.append(("SSL_VERIFYHOST", ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)))
        }
        if let caFile = tls.caFile {
            results.append(("CAINFO", ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)))
        }
        return results
    }

    /// Sets the request method and body; returns each option's result for checking.
    private static func setMethod(
        _ handle: UnsafeMutableRawPointer, method: String, body: Data?
    ) -> [(String, CURLcode)] {
        switch method {
        case "GET":
            return [("HTTPGET", ccurl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1))]
        case "HEAD":
            return [("NOBODY", ccurl_easy_setopt_long(handle, CURLOPT_NOBODY, 1))]
        default:
            // Setting a body makes the request a POST; any other method then only renames it.
            let bytes = body ?? Data()
            var results = [("POSTFIELDSIZE", ccurl_easy_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count))]
            if bytes.isEmpty {
                results.append(("COPYPOSTFIELDS", ccurl_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")))
            } else {
                // COPYPOSTFIELDS copies the bytes now, so they need not outlive this call.
                let copied = bytes.withUnsafeBytes {
                    ccurl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress)
                }
                results.append(("COPYPOSTFIELDS", copied))
            }
            if method != "POST" {
                results.append(("CUSTOMREQUEST", ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)))
            }
            return results
        }
    }

    private static func error(
        _ code: CURLcode, url: String, timeoutSeconds: Double, maxResponseBytes: Int, bodyTooLarge: Bool,
        detail: String
    ) -> CurlHTTPError {
        let reason = Self.describe(code)
        let curlCode = Int(code.rawValue)
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .cannotConnect(url, reason: reason, curlCode: curlCode)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            // libcurl's own sentence ("SSL certificate problem: self-signed certificate") says more.
            return .tlsFailed(url, reason: detail.isEmpty ? reason : detail, curlCode: curlCode)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(url, seconds: timeoutSeconds, reason: reason, curlCode: curlCode)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(url, reason: reason, curlCode: curlCode)
        case CURLE_WRITE_ERROR where bodyTooLarge:
            return .responseTooLarge(url, limitBytes: maxResponseBytes, curlCode: curlCode)
        default:
            return .transferFailed(url, reason: reason, curlCode: curlCode)
        }
    }

    private static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// Seconds to whole milliseconds for libcurl, at least 1 (0 would mean "no timeout").
    private static func milliseconds(_ seconds: Double) -> Int {
        let milliseconds = (seconds * 1000).rounded(.up)
        guard milliseconds.isFinite, milliseconds < Double(Int32.max) else { return Int(Int32.max) }
        return max(1, Int(milliseconds))
    }
}

/// What the callbacks collect during one transfer. Only libcurl's thread touches it, and only during
/// `curl_easy_perform`.
private final class ResponseAccumulator {
    let maxBodyBytes: Int
    var body = Data()
    var headers: [String: String] = [:]
    var bodyTooLarge = false
    /// CURLOPT_ERRORBUFFER: libcurl writes a failure's detailed message here.
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit { self.errorBuffer.deallocate() }

    /// The detailed message of the last failure, or empty.
    var errorDetail: String {
        self.errorBuffer[Int(CURL_ERROR_SIZE) - 1] = 0
        return String(cString: self.errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func addHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            // A new response starts (after a 1xx, or a redirect): only the final one's fields count.
            self.headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return }
        if let earlier = self.headers[name] {
            self.headers[name] = earlier + ", " + value
        } else {
            self.headers[name] = value
        }
    }
}

/// CURLOPT_WRITEFUNCTION: appends body bytes; returning less than offered makes libcurl stop the transfer.
private func appendBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let response = Unmanaged<ResponseAccumulator>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    guard response.body.count + length <= response.maxBodyBytes else {
        response.bodyTooLarge = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { response.body.append($0, count: length) }
    return length
}

/// CURLOPT_HEADERFUNCTION: called once per header line, status line included, with its CRLF.
private func appendHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let response = Unmanaged<ResponseAccumulator>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    response.addHeaderLine(line.trimmingCharacters(in: .whitespacesAndNewlines))
    return length
}
