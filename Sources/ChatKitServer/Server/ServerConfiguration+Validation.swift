import NIOCore

/// A ``ServerConfiguration`` field whose value cannot work, named as the library calls it.
public struct ServerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field, e.g. `historySize` or `webSocket.sendQueueBytes`.
    public var field: String
    /// What is wrong with it, with the value.
    public var problem: String

    public var description: String { "\(self.field) \(self.problem)" }
}

extension ServerConfiguration {
    /// Checks every field that has a rule (ranges, and fields that need each other); ``ChatServer/start(configuration:group:logger:)``
    /// calls it, so a library user gets the same checks as chatserver's flags. Throws the first problem found.
    public func validate() throws(ServerConfigurationError) {
        func check(_ holds: Bool, _ field: String, _ problem: @autoclosure () -> String) throws(ServerConfigurationError) {
            if !holds { throw ServerConfigurationError(field: field, problem: problem()) }
        }
        try check((0...65535).contains(self.port), "port", "must be from 0 to 65535, got \(self.port)")
        try check(self.webSocket.maxMessageBytes >= 125, "webSocket.maxMessageBytes", "must be at least 125, got \(self.webSocket.maxMessageBytes)")
        try check(self.webSocket.sendQueueLimit >= 1, "webSocket.sendQueueLimit", "must be at least 1, got \(self.webSocket.sendQueueLimit)")
        try check(self.webSocket.sendQueueBytes >= 1024, "webSocket.sendQueueBytes", "must be at least 1024, got \(self.webSocket.sendQueueBytes)")
        try check(self.webSocket.deadPeerTimeout > .zero, "webSocket.deadPeerTimeout", "must be positive")
        if let interval = self.webSocket.pingInterval {
            try check(interval > .zero, "webSocket.pingInterval", "must be positive (nil disables pings)")
            try check(self.webSocket.deadPeerTimeout < interval, "webSocket.deadPeerTimeout", "must be below webSocket.pingInterval")
        }
        try check(self.historySize >= 0, "historySize", "must be 0 or more, got \(self.historySize)")
        if let age = self.historyMaxAge {
            try check(age > .zero, "historyMaxAge", "must be positive (nil keeps messages whatever their age)")
        }
        try check(self.maxContentBytes > 0, "maxContentBytes", "must be positive, got \(self.maxContentBytes)")
        try check(self.maxIDBytes >= 1, "maxIDBytes", "must be at least 1, got \(self.maxIDBytes)")
        try check(self.maxRoomsPerConnection >= 1, "maxRoomsPerConnection", "must be at least 1, got \(self.maxRoomsPerConnection)")
        try check(self.maxRooms >= 1, "maxRooms", "must be at least 1, got \(self.maxRooms)")
        try check(self.usersPageSize >= 1, "usersPageSize", "must be at least 1, got \(self.usersPageSize)")
        if let rate = self.rateLimitPerSecond {
            try check(rate > 0 && rate.isFinite, "rateLimitPerSecond", "must be a positive number (nil disables the limit), got \(rate)")
        }
        try check(self.rateLimitBurst >= 1, "rateLimitBurst", "must be at least 1, got \(self.rateLimitBurst)")
        try check(self.maxConnections >= 0, "maxConnections", "must be 0 (no limit) or more, got \(self.maxConnections)")
        try check(self.maxConnectionsPerIP >= 0, "maxConnectionsPerIP", "must be 0 (no limit) or more, got \(self.maxConnectionsPerIP)")
        for (field, limit) in [
            ("handshakeRatePerIP", self.handshakeRatePerIP), ("joinRatePerConnection", self.joinRatePerConnection),
            ("joinRatePerIP", self.joinRatePerIP),
        ] {
            guard let limit else { continue }
            try check(limit.perSecond > 0 && limit.perSecond.isFinite, field, "perSecond must be a positive number, got \(limit.perSecond)")
            try check(limit.burst >= 1, field, "burst must be at least 1, got \(limit.burst)")
        }
        try check(self.handshakeTimeout > .zero, "handshakeTimeout", "must be positive")
        try check(self.maxRequestBodyBytes >= 0, "maxRequestBodyBytes", "must be 0 or more, got \(self.maxRequestBodyBytes)")
        try check(self.shutdownDeadline >= .zero, "shutdownDeadline", "must be 0 or more")
        try check((1...256).contains(self.threads), "threads", "must be from 1 to 256, got \(self.threads)")
        try check(self.deliverySampleInterval >= 0, "deliverySampleInterval", "must be 0 or more, got \(self.deliverySampleInterval)")
        if let interval = self.memoryTrimInterval {
            try check(interval > .zero, "memoryTrimInterval", "must be positive (nil never trims)")
        }
        if self.metricsAccess == .token {
            try check(!(self.adminToken ?? "").isEmpty, "metricsAccess", "token needs an adminToken")
        }
        if self.cluster != nil {
            try check(self.mode == .chat, "cluster", "needs mode chat, not \(self.mode.rawValue)")
        }
    }
}
