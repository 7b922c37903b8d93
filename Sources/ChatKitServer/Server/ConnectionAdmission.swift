import Atomics
import ChatKitChat
import NIOConcurrencyHelpers
import NIOCore

/// Who may open a WebSocket and how often, across the whole server: the open WebSocket connections in all and per
/// peer address (``ServerConfiguration/maxConnections``, ``ServerConfiguration/maxConnectionsPerIP``), and the
/// token buckets per address for handshakes and joins (``ServerConfiguration/handshakeRatePerIP``,
/// ``ServerConfiguration/joinRatePerIP``).
///
/// One small lock around O(1) work per handshake, close and join. An address's entry lives while it has open
/// connections or a bucket that has not refilled yet; a sweep at most once a second forgets the others, so the
/// table never holds more than the addresses seen in the last few seconds plus those connected.
final class ConnectionAdmission: Sendable {
    private struct Peer {
        var connections = 0
        var handshakes: RateLimiter?
        var joins: RateLimiter?

        func isForgettable(at now: NIODeadline) -> Bool {
            self.connections == 0 && self.handshakes?.isFull(at: now) != false && self.joins?.isFull(at: now) != false
        }
    }

    private struct State {
        var connections = 0
        var peers: [String: Peer] = [:]
        var nextSweep = NIODeadline.now()
    }

    private let maxConnections: Int
    private let maxConnectionsPerIP: Int
    private let handshakeRate: RateLimit?
    private let joinRate: RateLimit?
    private let state = NIOLockedValueBox(State())

    init(configuration: ServerConfiguration) {
        self.maxConnections = configuration.maxConnections
        self.maxConnectionsPerIP = configuration.maxConnectionsPerIP
        self.handshakeRate = configuration.handshakeRatePerIP
        self.joinRate = configuration.joinRatePerIP
    }

    /// Whether entries per address are kept at all: only when a limit per address is set.
    private var tracksPeers: Bool {
        self.maxConnectionsPerIP > 0 || self.handshakeRate != nil || self.joinRate != nil
    }

    /// Open WebSocket connections admitted and not yet closed.
    var openConnections: Int { self.state.withLockedValue { $0.connections } }

    /// Addresses with an entry (open connections, or a bucket still refilling): what the sweep keeps bounded.
    var trackedAddresses: Int { self.state.withLockedValue { $0.peers.count } }

    /// Admits one more WebSocket connection from `address` (`nil` when unknown: only the total is limited), or says
    /// why not: `429 handshake_rate_limited` (with `Retry-After`), `503 too_many_connections`,
    /// `503 too_many_connections_from_ip`. The ticket must be released when the connection closes.
    func admit(from address: String?, now: NIODeadline = .now()) -> Result<AdmissionTicket, HTTPRejection> {
        let address = self.tracksPeers ? address : nil
        let refusal: HTTPRejection? = self.state.withLockedValue { state in
            if now >= state.nextSweep {
                state.peers = state.peers.filter { !$0.value.isForgettable(at: now) }
                state.nextSweep = now + .seconds(1)
            }
            var peer = address.flatMap { state.peers[$0] } ?? Peer()
            defer { if let address { state.peers[address] = peer } }
            if let rate = self.handshakeRate {
                var bucket = peer.handshakes ?? RateLimiter(ratePerSecond: rate.perSecond, burst: rate.burst, now: now)
                let allowed = bucket.allow(now: now)
                peer.handshakes = bucket
                if !allowed {
                    let retryAfter = max(1, Int((1 / rate.perSecond).rounded(.up)))
                    return HTTPRejection(
                        status: .tooManyRequests, code: "handshake_rate_limited",
                        message: "too many WebSocket handshakes from \(address ?? "this address"): at most \(rate) "
                            + "per address",
                        extraHeaders: [("Retry-After", "\(retryAfter)")])
                }
            }
            if self.maxConnections > 0, state.connections >= self.maxConnections {
                return HTTPRejection(
                    status: .serviceUnavailable, code: "too_many_connections",
                    message: "the server has its maximum of \(self.maxConnections) WebSocket connections open: "
                        + "try again later",
                    extraHeaders: [("Retry-After", "1")])
            }
            if self.maxConnectionsPerIP > 0, address != nil, peer.connections >= self.maxConnectionsPerIP {
                return HTTPRejection(
                    status: .serviceUnavailable, code: "too_many_connections_from_ip",
                    message: "\(address ?? "this address") has its maximum of \(self.maxConnectionsPerIP) WebSocket "
                        + "connections open, the most one address may have: close one first",
                    extraHeaders: [("Retry-After", "1")])
            }
            state.connections += 1
            if address != nil { peer.connections += 1 }
            return nil
        }
        if let refusal { return .failure(refusal) }
        return .success(AdmissionTicket(admission: self, address: address))
    }

    /// Whether a connection from `address` may join a room now, by the bucket of its address
    /// (``ServerConfiguration/joinRatePerIP``); always `true` without that limit.
    func allowsJoin(from address: String?, now: NIODeadline = .now()) -> Bool {
        guard let rate = self.joinRate, let address else { return true }
        return self.state.withLockedValue { state in
            var peer = state.peers[address] ?? Peer()
            var bucket = peer.joins ?? RateLimiter(ratePerSecond: rate.perSecond, burst: rate.burst, now: now)
            let allowed = bucket.allow(now: now)
            peer.joins = bucket
            state.peers[address] = peer
            return allowed
        }
    }

    /// A connection admitted from `address` closed (or its upgrade failed after all).
    func release(address: String?) {
        self.state.withLockedValue { state in
            state.connections -= 1
            guard let address, var peer = state.peers[address] else { return }
            peer.connections -= 1
            if peer.isForgettable(at: .now()) {
                state.peers[address] = nil
            } else {
                state.peers[address] = peer
            }
        }
    }
}
