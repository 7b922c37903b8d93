import ChatKit
import Foundation

// Script steps (`join`, `say`, `whisper`, `wait`, `expect`, `http`, `repeat`, …) and message content.
extension ScenarioJSONReader {
    mutating func content(_ object: [String: Any], _ path: String) -> MessageContent? {
        if object["text"] != nil && object["size"] != nil {
            self.problem(path, "give either text or size, not both")
        }
        if let text = self.string(object, "text", path) { return .text(text) }
        if let size = self.integer(object, "size", path, range: 1...1_048_576) { return .size(size) }
        return nil
    }

    mutating func steps(_ value: Any?, _ path: String) -> [Step] {
        guard let value else { return [] }
        guard let list = value as? [Any] else {
            self.problem(path, "expected an array of steps, got \(Self.describe(value))")
            return []
        }
        return list.enumerated().compactMap { self.step($1, "\(path)[\($0)]") }
    }

    mutating func step(_ value: Any, _ path: String) -> Step? {
        guard let object = self.object(value, path) else { return nil }
        let kinds = ["join", "leave", "say", "whisper", "wait", "expect", "http", "repeat"]
        guard object.count == 1, let (kind, body) = object.first, kinds.contains(kind) else {
            self.problem(path, "expected an object with one of \(kinds.joined(separator: ", ")), got keys \(object.keys.sorted())")
            return nil
        }
        let bodyPath = "\(path).\(kind)"
        switch kind {
        case "join", "leave":
            guard let room = body as? String else {
                self.problem(bodyPath, "expected a room name, got \(Self.describe(body))")
                return nil
            }
            if let problem = NamePattern.problem(room) { self.problem(bodyPath, problem) }
            return kind == "join" ? .join(room: room) : .leave(room: room)
        case "wait":
            if let object = body as? [String: Any] {
                self.unknownKeys(object, ["min", "max"], bodyPath)
                let minimum = self.duration(object, "min", bodyPath, required: true) ?? 0
                let maximum = self.duration(object, "max", bodyPath, required: true) ?? 0
                if maximum < minimum { self.problem("\(bodyPath).max", "must not be below min") }
                return .wait(minSeconds: minimum, maxSeconds: max(minimum, maximum))
            }
            let seconds = self.durationValue(body, bodyPath) ?? 0
            return .wait(minSeconds: seconds, maxSeconds: seconds)
        case "say":
            guard let object = self.object(body, bodyPath) else { return nil }
            self.unknownKeys(object, ["room", "text", "size", "count", "rate"], bodyPath)
            let room = self.string(object, "room", bodyPath)
            if let room, let problem = NamePattern.problem(room) { self.problem("\(bodyPath).room", problem) }
            let content = self.content(object, bodyPath) ?? .size(64)
            let count = self.integer(object, "count", bodyPath, range: 1...10_000_000) ?? 1
            return .say(SayStep(
                room: room, content: content, count: count,
                ratePerSecond: self.sendRate(object, count: count, bodyPath)))
        case "whisper":
            guard let object = self.object(body, bodyPath) else { return nil }
            self.unknownKeys(object, ["to", "text", "size", "count", "rate"], bodyPath)
            let toText = self.string(object, "to", bodyPath, required: true) ?? "random"
            let to: WhisperTarget
            if toText == "random" {
                to = .random
            } else if toText.hasPrefix("random:") {
                to = .matching(glob: String(toText.dropFirst("random:".count)))
            } else if toText.contains("*") {
                to = .matching(glob: toText)
            } else {
                if let problem = NamePattern.problem(toText) { self.problem("\(bodyPath).to", problem) }
                to = .name(toText)
            }
            let content = self.content(object, bodyPath) ?? .size(64)
            let count = self.integer(object, "count", bodyPath, range: 1...10_000_000) ?? 1
            return .whisper(WhisperStep(
                to: to, content: content, count: count,
                ratePerSecond: self.sendRate(object, count: count, bodyPath)))
        case "expect":
            guard let object = self.object(body, bodyPath) else { return nil }
            self.unknownKeys(object, ["type", "room", "from", "contains", "timeout"], bodyPath)
            let type = self.string(object, "type", bodyPath)
            let types = ["message", "whisper", "presence", "joined", "left", "history", "users", "error"]
            if let type, !types.contains(type) {
                self.problem("\(bodyPath).type", "expected one of \(types.joined(separator: ", ")), got \"\(type)\"")
            }
            return .expect(ExpectStep(
                type: type, room: self.string(object, "room", bodyPath), from: self.string(object, "from", bodyPath),
                contains: self.string(object, "contains", bodyPath),
                timeoutSeconds: self.duration(object, "timeout", bodyPath) ?? 10))
        case "http":
            guard let object = self.object(body, bodyPath) else { return nil }
            self.unknownKeys(object, ["method", "url", "headers", "body", "status", "timeout"], bodyPath)
            let method = (self.string(object, "method", bodyPath) ?? "GET").uppercased()
            if !["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"].contains(method) {
                self.problem("\(bodyPath).method", "expected GET, POST, PUT, DELETE, PATCH or HEAD, got \"\(method)\"")
            }
            var headers: [String: String] = [:]
            if let headerObject = self.object(object["headers"], "\(bodyPath).headers") {
                for (name, value) in headerObject {
                    if let value = value as? String { headers[name] = value } else {
                        self.problem("\(bodyPath).headers.\(name)", "expected a string, got \(Self.describe(value))")
                    }
                }
            }
            return .http(HTTPStep(
                method: method, url: self.string(object, "url", bodyPath, required: true) ?? "/",
                headers: headers, body: self.string(object, "body", bodyPath),
                expectStatus: self.integer(object, "status", bodyPath, range: 100...599) ?? 200,
                timeoutSeconds: self.duration(object, "timeout", bodyPath) ?? 5))
        case "repeat":
            guard let object = self.object(body, bodyPath) else { return nil }
            self.unknownKeys(object, ["times", "steps"], bodyPath)
            let times = self.integer(object, "times", bodyPath, range: 1...10_000_000, required: true) ?? 1
            if object["steps"] == nil { self.problem("\(bodyPath).steps", "missing (expected an array of steps)") }
            return .repeat(times: times, steps: self.steps(object["steps"], "\(bodyPath).steps"))
        default:
            return nil
        }
    }
}
