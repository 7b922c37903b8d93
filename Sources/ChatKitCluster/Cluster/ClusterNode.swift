import Atomics
import ChatKitChat
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// This server's membership in a cluster: the Redis connections, the scripts, heartbeats, dead-node reaping,
/// and recovery after Redis comes back; the hub's ``RoomBackend`` in cluster mode. The chat logic stays in
/// ``ChatHub``: the node numbers rooms' events through Redis and applies what comes back to the hub's rooms.
///
/// The node is *ready* when Redis is connected, every subscription is in place, and the node has put Redis back
/// in line with its own state (``recoverRooms(hub:)``). While it is not ready the server is *degraded*:
/// `/readyz` answers 503 and requests that need the cluster get `cluster_unavailable` (docs/protocol.md).
package final class ClusterNode: Sendable {
    package let configuration: ClusterConfiguration
    let keys: ClusterKeys
    private let redisBox = NIOLockedValueBox<RedisClient?>(nil)
    private let ready = ManagedAtomic<Bool>(false)
    /// Bumped whenever the connection goes down; a recovery that started in an older generation does not mark
    /// the node ready.
    private let generation = ManagedAtomic<Int>(0)
    private let heartbeatTask = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let historyLimit: Int
    private let group: EventLoopGroup
    private let logger: Logger

    package var nodeID: String { self.configuration.nodeID }
    /// Messages kept in Redis per room.
    var storedHistory: Int { max(self.configuration.storedHistory, self.historyLimit) }
    private var ttlMilliseconds: String { String(max(1, self.configuration.nodeTTL.nanoseconds / 1_000_000)) }

    package init(configuration: ClusterConfiguration, historyLimit: Int, group: EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.group = group
        self.keys = ClusterKeys(prefix: configuration.keyPrefix)
        self.historyLimit = historyLimit
        self.logger = logger
    }

    /// Connects (in the background) and starts the heartbeats. Events go to `hub`.
    package func start(hub: ChatHub) {
        let keys = self.keys
        let nodeChannel = keys.nodeChannel(self.nodeID)
        let client = RedisClient(
            url: self.configuration.redis, group: self.group, configuration: self.configuration.client,
            logger: self.logger,
            onMessage: { [weak hub, weak self] channel, payload in
                guard let hub else { return }
                if channel == nodeChannel {
                    self?.nodeMessage(String(buffer: payload), hub: hub)
                } else if let room = keys.room(ofChannel: channel) {
                    self?.roomEvent(room: room, payload: String(buffer: payload), hub: hub)
                }
            },
            onStateChange: { [weak hub, weak self] up in
                guard let hub, let self else { return }
                if up {
                    let generation = self.generation.load(ordering: .relaxed)
                    Task { await self.recover(hub: hub, generation: generation) }
                } else {
                    self.generation.wrappingIncrement(ordering: .relaxed)
                    if self.ready.exchange(false, ordering: .relaxed) {
                        self.logger.warning("cluster degraded: redis unreachable", metadata: ["node": "\(self.nodeID)"])
                    }
                    self.didGoDown(hub: hub)
                }
            })
        self.redisBox.withLockedValue { $0 = client }
        client.subscribe(nodeChannel)
        client.start()
        let interval = UInt64(max(10_000_000, self.configuration.heartbeatInterval.nanoseconds))
        self.heartbeatTask.withLockedValue {
            $0 = Task { [weak self, weak hub] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: interval)
                    guard let self, let hub else { return }
                    await self.heartbeat(hub: hub)
                }
            }
        }
    }

    /// Whether the node is connected and in line with Redis.
    package var isReady: Bool { self.ready.load(ordering: .relaxed) }

    private var redis: RedisClient? { self.redisBox.withLockedValue { $0 } }

    /// Stops heartbeats, removes this node from the cluster (its remaining members leave, its names are freed),
    /// and closes the connections.
    package func shutdown() async {
        self.heartbeatTask.withLockedValue { $0?.cancel() }
        self.ready.store(false, ordering: .relaxed)
        if let redis = self.redis {
            let prefix = self.configuration.keyPrefix
            _ = try? await redis.send(["DEL", "\(prefix)node:\(self.nodeID):alive"]).get()
            _ = try? await redis.send(["EVAL", ClusterScripts.reap, "0", prefix, self.nodeID]).get()
            await redis.shutdown()
        }
    }

    // MARK: Recovery and heartbeats

    private func recover(hub: ChatHub, generation: Int) async {
        do {
            try await self.recoverRooms(hub: hub)
            guard self.generation.load(ordering: .relaxed) == generation, self.redis?.isConnected == true else {
                return
            }
            if !self.ready.exchange(true, ordering: .relaxed) {
                self.logger.info("cluster ready", metadata: ["node": "\(self.nodeID)"])
            }
        } catch {
            self.logger.warning("cluster recovery failed; retrying", metadata: ["error": "\(error)"])
            try? await Task.sleep(nanoseconds: 200_000_000)
            guard self.generation.load(ordering: .relaxed) == generation, self.redis?.isConnected == true else {
                return
            }
            await self.recover(hub: hub, generation: generation)
        }
    }

    private func heartbeat(hub: ChatHub) async {
        // While not ready a recovery is under way (it registers the node itself).
        guard self.isReady, let redis = self.redis, redis.isConnected else { return }
        do {
            let reply = try await redis.send([
                "EVAL", ClusterScripts.heartbeat, "0", self.configuration.keyPrefix, self.nodeID, self.ttlMilliseconds,
            ]).get()
            guard let parts = reply.array, parts.count == 2 else { return }
            if parts[0].integer == 1 {
                // Another node gave us up for dead while we could not reach Redis: register and sync again.
                self.logger.warning(
                    "cluster: this node had expired; re-registering", metadata: ["node": "\(self.nodeID)"])
                await self.recover(hub: hub, generation: self.generation.load(ordering: .relaxed))
                return
            }
            for dead in parts[1].array ?? [] {
                guard let node = dead.string, node != self.nodeID else { continue }
                let reaped = try await self.evaluate(ClusterScripts.reap, [node]).get()
                if reaped.integer == 1 {
                    self.logger.notice("cluster: node expired; its users left", metadata: ["node": "\(node)"])
                }
            }
        } catch {
            self.logger.debug("heartbeat failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Operations (each one script or command)

    /// Runs a script with the key prefix as its first argument.
    private func evaluate(_ script: String, _ arguments: [String]) -> EventLoopFuture<RESPValue> {
        guard let redis = self.redis else { return self.unavailable() }
        return redis.send(["EVAL", script, "0", self.configuration.keyPrefix] + arguments)
    }

    private func unavailable<T>() -> EventLoopFuture<T> {
        self.group.next().makeFailedFuture(RedisError.unavailable)
    }

    /// Subscribes to a room's channel (again, if already subscribed: Redis confirms either way).
    func subscribe(room: String) -> EventLoopFuture<Void> {
        guard let redis = self.redis else { return self.unavailable() }
        return redis.subscribe(self.keys.roomChannel(room))
    }

    /// Forgets a room's channel.
    func unsubscribe(room: String) {
        self.redis?.unsubscribe(self.keys.roomChannel(room))
    }

    /// Registers `name` in `room` and publishes its presence; returns the room's `seq`, the event number of
    /// that presence, the last messages and the room's epoch (`epoch` becomes the room's when it has none).
    func join(room: String, name: String, epoch: String) -> EventLoopFuture<RoomSnapshot> {
        self.evaluate(ClusterScripts.join, [room, name, self.nodeID, String(self.historyLimit), epoch])
            .flatMapThrowing { try RoomSnapshot($0) }
    }

    /// Removes `name` from `room` and publishes its presence `leave`.
    func leave(room: String, name: String) -> EventLoopFuture<SequencePair> {
        self.evaluate(ClusterScripts.leave, [room, name, self.nodeID]).flatMapThrowing { try SequencePair($0) }
    }

    /// Assigns the next `seq`, stores and publishes a message; `requireRoom` refuses (seq -1) a room without
    /// members anywhere.
    func post(room: String, body: String, requireRoom: Bool) -> EventLoopFuture<SequencePair> {
        self.evaluate(ClusterScripts.say, [room, String(self.storedHistory), body, requireRoom ? "1" : "0"])
            .flatMapThrowing { try SequencePair($0) }
    }

    /// The room as Redis has it now.
    func snapshot(room: String) -> EventLoopFuture<RoomSnapshot> {
        self.evaluate(ClusterScripts.snapshot, [room]).flatMapThrowing { try RoomSnapshot($0) }
    }

    /// Puts `room` back in line with this node's view (see ``ClusterScripts/sync``).
    func sync(room: String, names: [String], seqFloor: Int, eventFloor: Int, history: [String]) -> EventLoopFuture<
        RoomSnapshot
    > {
        let arguments =
            [
                room, self.nodeID, String(seqFloor), String(eventFloor), String(self.storedHistory),
                String(history.count),
            ] + history + names
        return self.evaluate(ClusterScripts.sync, arguments).flatMapThrowing { try RoomSnapshot($0) }
    }

    /// Announces the node and its users' name keys (``NameKey``); returns the keys another node owns.
    package func register(nameKeys: [String]) -> EventLoopFuture<[String]> {
        self.evaluate(ClusterScripts.register, [self.nodeID, self.ttlMilliseconds] + nameKeys)
            .map { ($0.array ?? []).compactMap { $0.string } }
    }

    /// Rooms Redis lists for this node.
    func registeredRooms() -> EventLoopFuture<[String]> {
        guard let redis = self.redis else { return self.unavailable() }
        return redis.send(["SMEMBERS", self.keys.nodeRooms(self.nodeID)]).map {
            ($0.array ?? []).compactMap { $0.string }
        }
    }

    /// Takes a name, by its ``NameKey``, for this node; `false` when another node has it (or a look-alike).
    func claim(nameKey: String) -> EventLoopFuture<Bool> {
        self.evaluate(ClusterScripts.claim, [self.nodeID, nameKey, self.ttlMilliseconds]).map { $0.integer == 1 }
    }

    /// Frees a name, by its ``NameKey``, if this node owns it.
    package func release(nameKey: String) {
        _ = self.evaluate(ClusterScripts.release, [self.nodeID, nameKey])
    }

    /// Sends a whisper to the node that owns its addressee; `false` when no node does.
    func sendWhisper(_ whisper: WhisperMessage) -> EventLoopFuture<Bool> {
        self.evaluate(
            ClusterScripts.whisper, [NameKey.of(whisper.to), JSONText.encode(ClusterWhisper(whisper: whisper))])
            .map { ($0.integer ?? 0) > 0 }
    }

    /// Member names of a room, cluster-wide, sorted.
    package func users(room: String) -> EventLoopFuture<[String]> {
        guard let redis = self.redis else { return self.unavailable() }
        return redis.send(["HKEYS", self.keys.roomMembers(room)]).map {
            ($0.array ?? []).compactMap { $0.string }.sorted()
        }
    }
}
