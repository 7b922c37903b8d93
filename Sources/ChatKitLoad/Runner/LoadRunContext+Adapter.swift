// Which adapter a user of the run speaks through (``ProtocolAdapter``).
extension LoadRunContext {
    /// The adapter user `user` speaks through; `nil` for `chat` and `raw`, which have paths of their own.
    func adapter(for user: PlannedUser) -> (any ProtocolAdapter)? {
        switch self.scenario.wireProtocol {
        case .chat, .raw:
            return nil
        case .json:
            guard let settings = self.scenario.json else { return nil }
            return JSONProtocolAdapter(
                settings: settings, userValues: self.placeholderValues(name: user.name, userIndex: user.index))
        case .socketio:
            guard let settings = self.scenario.socketio else { return nil }
            return SocketIOAdapter(
                settings: settings, userValues: self.placeholderValues(name: user.name, userIndex: user.index))
        }
    }
}

extension Scenario {
    /// Why this scenario's protocol cannot run as set (a protocol without its settings), if it cannot.
    public var adapterProblem: String? {
        switch self.wireProtocol {
        case .chat, .raw: return nil
        case .json: return self.json == nil ? "protocol json needs the scenario's json block (docs/protocols.md)" : nil
        case .socketio: return self.socketio == nil ? "protocol socketio needs the scenario's socketio block" : nil
        }
    }
}
