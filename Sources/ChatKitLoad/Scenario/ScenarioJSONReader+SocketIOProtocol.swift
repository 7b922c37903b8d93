import Foundation

// The `socketio` block: the Socket.IO adapter's namespace, auth, events and where their arguments hold what chatctl
// counts (docs/protocols.md). Every field has a default, so `"socketio": {}` speaks the common chat example's events.
extension ScenarioJSONReader {
    /// The defaults: rooms joined with an ack, `message` events carrying `{room, from, text}`, `private message`
    /// events carrying `{from, to, text}`.
    static var socketIODefaults: [String: Any] {
        [
            "join": ["join", "{room}"],
            "leave": ["leave", "{room}"],
            "say": ["message", ["room": "{room}", "text": "{text}"]],
            "whisper": ["private message", ["to": "{to}", "text": "{text}"]],
            "roomAt": "/1/room", "senderAt": "/1/from", "recipientAt": "/1/to", "textAt": "/1/text", "nameAt": "/1/name",
            "messageEvents": ["message"], "whisperEvents": ["private message"], "presenceEvents": ["presence"],
            "errorEvents": ["error"],
        ]
    }

    mutating func socketIOProtocol(_ value: Any?) -> SocketIOProtocolSettings? {
        let object: [String: Any]
        if let value {
            guard let given = self.object(value, "socketio") else { return nil }
            object = given
        } else {
            object = [:]
        }
        self.unknownKeys(object, [
            "namespace", "auth", "joinAck", "join", "leave", "say", "whisper", "roomAt", "senderAt", "recipientAt",
            "textAt", "nameAt", "messageEvents", "whisperEvents", "presenceEvents", "errorEvents",
        ], "socketio")
        let namespace = self.string(object, "namespace", "socketio") ?? "/"
        if !namespace.hasPrefix("/") || namespace.contains(",") {
            self.problem("socketio.namespace", "expected a namespace such as \"/\" or \"/chat\" (no comma), got \"\(namespace.prefix(60))\"")
        }
        var auth: JSONFrameTemplate?
        if let value = object["auth"], !(value is NSNull) {
            do {
                let template = try JSONFrameTemplate(value)
                let foreign = template.placeholders.subtracting(["name", "i", "token"]).sorted().map { "{\($0)}" }
                if foreign.isEmpty { auth = template } else {
                    self.problem("socketio.auth", "placeholder \(foreign.joined(separator: ", ")) has no value in this frame")
                }
            } catch {
                self.problem("socketio.auth", error.message)
            }
        }
        var joinAck = true
        if let value = object["joinAck"], !(value is NSNull) {
            if Self.isBool(value), let flag = value as? Bool { joinAck = flag } else {
                self.problem("socketio.joinAck", "expected true or false, got \(Self.describe(value))")
            }
        }
        // The same checks as the json block's, with the event name at /0 and the problems named socketio.*.
        var mapping = Self.socketIODefaults
        for (key, value) in object where !["namespace", "auth", "joinAck"].contains(key) { mapping[key] = value }
        let renamed: [String: String] = [
            "messageEvents": "messageTypes", "whisperEvents": "whisperTypes", "presenceEvents": "presenceTypes",
            "errorEvents": "errorTypes",
        ]
        for (from, to) in renamed { mapping[to] = mapping.removeValue(forKey: from) }
        mapping["typeAt"] = "/0"
        var inner = ScenarioJSONReader()
        let events = inner.jsonProtocol(mapping)
        for problem in inner.problems {
            var text = problem.replacingOccurrences(of: "json.", with: "socketio.")
            for (from, to) in renamed { text = text.replacingOccurrences(of: "socketio.\(to)", with: "socketio.\(from)") }
            self.problems.append(text)
        }
        var eventsAreArrays = true
        for key in ["join", "leave", "say", "whisper"] {
            guard let value = object[key], !(value is NSNull) else { continue }
            guard (value as? [Any])?.first is String else {
                self.problem("socketio.\(key)", "expected an event: an array that starts with its name, [\"message\", {…}]")
                eventsAreArrays = false
                continue
            }
        }
        guard let events, inner.problems.isEmpty, eventsAreArrays else { return nil }
        return SocketIOProtocolSettings(namespace: namespace, auth: auth, joinAck: joinAck, events: events)
    }
}
