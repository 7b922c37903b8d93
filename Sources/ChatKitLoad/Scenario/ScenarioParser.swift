import ChatKit
import Foundation

/// Problems found in a scenario file, each naming the path of the bad field and what was expected:
/// `phases[1].rate: expected "N/s", got "fast"`.
public struct ScenarioValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { self.problems.joined(separator: "\n") }
}

/// Reads and validates scenario JSON (docs/scenarios.md) before anything connects.
public enum ScenarioParser {
    /// Parses a scenario file.
    public static func parse(contentsOf path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioValidationError(problems: ["\(path): cannot read the file"])
        }
        return try Self.parse(data)
    }

    /// Parses scenario JSON; throws ``ScenarioValidationError`` listing every problem found.
    public static func parse(_ data: Data) throws -> Scenario {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw ScenarioValidationError(problems: ["scenario is not valid JSON: \(Self.locating(detail, in: data))"])
        }
        var reader = JSONReader()
        let scenario = reader.scenario(root)
        if !reader.problems.isEmpty { throw ScenarioValidationError(problems: reader.problems) }
        guard let scenario else { throw ScenarioValidationError(problems: ["scenario: could not be read"]) }
        return scenario
    }
}

extension ScenarioParser {
    /// Foundation's `Invalid value around character 19.` as `line 3, column 3: Invalid value.` (lines and
    /// columns from 1; the column counts bytes), an unexpected end of file at the end's line and column; any
    /// other text as it is.
    static func locating(_ detail: String, in data: Data) -> String {
        let offset: Int
        var message = detail
        if detail.hasPrefix("Unexpected end of file") {
            offset = data.count
        } else if let range = detail.range(of: #" around character \d+"#, options: .regularExpression),
                  let number = Int(detail[range].split(separator: " ").last ?? "") {
            offset = number
            message.removeSubrange(range)
        } else {
            return detail
        }
        let before = data.prefix(max(0, min(offset, data.count)))
        let line = before.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? before.startIndex
        let column = before.endIndex - lineStart + 1
        return "line \(line), column \(column): " + message
    }
}

/// Walks decoded JSON, recording a problem (with its path) for every field that is wrong.
private struct JSONReader {
    var problems: [String] = []

    mutating func problem(_ path: String, _ message: String) {
        self.problems.append("\(path): \(message)")
    }

    private static func describe(_ value: Any) -> String {
        switch value {
        case let string as String: return "\"\(string.prefix(60))\""
        case is NSNull: return "null"
        case let number as NSNumber:
            if Self.isBool(number) { return number.boolValue ? "true" : "false" }
            return "\(number)"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "\(value)"
        }
    }

    private static func isBool(_ value: Any) -> Bool {
        // JSONSerialization gives booleans as NSNumbers whose type code is "c" (char).
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    // MARK: Typed fields

    mutating func object(_ value: Any?, _ path: String) -> [String: Any]? {
        guard let value else { return nil }
        guard let object = value as? [String: Any] else {
            self.problem(path, "expected an object, got \(Self.describe(value))")
            return nil
        }
        return object
    }

    mutating func unknownKeys(_ object: [String: Any], _ allowed: Set<String>, _ path: String) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            self.problem(path.isEmpty ? key : "\(path).\(key)", "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    mutating func string(_ object: [String: Any], _ key: String, _ path: String, required: Bool = false) -> String? {
        guard let value = object[key], !(value is NSNull) else {
            if required { self.problem(Self.join(path, key), "missing (expected a string)") }
            return nil
        }
        guard let string = value as? String else {
            self.problem(Self.join(path, key), "expected a string, got \(Self.describe(value))")
            return nil
        }
        return string
    }

    mutating func integer(_ object: [String: Any], _ key: String, _ path: String, range: ClosedRange<Int>,
                          required: Bool = false) -> Int? {
        guard let value = object[key], !(value is NSNull) else {
            if required { self.problem(Self.join(path, key), "missing (expected a whole number)") }
            return nil
        }
        guard !Self.isBool(value), let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded(),
            let integer = Int(exactly: number.doubleValue)
        else {
            self.problem(Self.join(path, key), "expected a whole number, got \(Self.describe(value))")
            return nil
        }
        guard range.contains(integer) else {
            self.problem(Self.join(path, key), "expected a number from \(range.lowerBound) to \(range.upperBound), got \(integer)")
            return nil
        }
        return integer
    }

    mutating func duration(_ object: [String: Any], _ key: String, _ path: String, required: Bool = false) -> Double? {
        guard let value = object[key], !(value is NSNull) else {
            if required { self.problem(Self.join(path, key), "missing (expected a duration such as \"10s\")") }
            return nil
        }
        return self.durationValue(value, Self.join(path, key))
    }

    mutating func durationValue(_ value: Any, _ path: String) -> Double? {
        guard let text = value as? String, let seconds = ScenarioUnits.seconds(text) else {
            self.problem(path, "expected a duration such as \"500ms\", \"10s\" or \"2m\", got \(Self.describe(value))")
            return nil
        }
        guard seconds <= ScenarioUnits.maxSeconds else {
            self.problem(path, "expected a duration of at most a year (8760h), got \(Self.describe(value))")
            return nil
        }
        return seconds
    }

    mutating func rate(_ value: Any?, _ path: String) -> Double? {
        guard let value else { return nil }
        guard let text = value as? String, let rate = ScenarioUnits.perSecond(text) else {
            self.problem(path, "expected \"N/s\", got \(Self.describe(value))")
            return nil
        }
        guard rate <= ScenarioUnits.maxPerSecond else {
            self.problem(path, "expected a rate of at most 1000000/s, got \(Self.describe(value))")
            return nil
        }
        return rate
    }

    /// The rate of a `say` or `whisper` step, which must leave time for its `count` sends within a year.
    mutating func sendRate(_ object: [String: Any], count: Int, _ path: String) -> Double? {
        guard let rate = self.rate(object["rate"], "\(path).rate") else { return nil }
        if rate > 0 && Double(count - 1) / rate > ScenarioUnits.maxSeconds {
            let rateText = Self.describe(object["rate"] ?? NSNull())
            self.problem("\(path).rate", "\(count) sends at \(rateText) take more than a year")
            return nil
        }
        return rate
    }

    mutating func stringList(_ object: [String: Any], _ key: String, _ path: String) -> [String] {
        guard let value = object[key], !(value is NSNull) else { return [] }
        guard let list = value as? [Any] else {
            self.problem(Self.join(path, key), "expected an array of strings, got \(Self.describe(value))")
            return []
        }
        var strings: [String] = []
        for (index, element) in list.enumerated() {
            guard let string = element as? String else {
                self.problem("\(Self.join(path, key))[\(index)]", "expected a string, got \(Self.describe(element))")
                continue
            }
            strings.append(string)
        }
        return strings
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Scenario

    mutating func scenario(_ root: Any) -> Scenario? {
        guard let object = self.object(root, "scenario") else { return nil }
        self.unknownKeys(object, [
            "name", "description", "seed", "target", "admin", "protocol", "connectTimeout", "reconnect", "groups",
            "phases", "drain", "thresholds", "tolerate", "$schema",
        ], "")
        let name = self.string(object, "name", "", required: true) ?? ""
        let description = self.string(object, "description", "")
        // JSON numbers are doubles: seeds stay exact up to 2^53 - 1.
        let seed = self.integer(object, "seed", "", range: 0...9_007_199_254_740_991) ?? 1
        let target = self.string(object, "target", "")
        if let target {
            do { _ = try WebSocketURL(target) } catch { self.problem("target", "\(error)") }
        }
        var admin: AdminTarget?
        if let adminObject = self.object(object["admin"], "admin") {
            self.unknownKeys(adminObject, ["url", "token"], "admin")
            let url = self.string(adminObject, "url", "admin", required: true) ?? ""
            if !url.isEmpty && !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                self.problem("admin.url", "expected an http:// URL, got \"\(url)\"")
            }
            admin = AdminTarget(url: url, token: self.string(adminObject, "token", "admin"))
        }
        var wireProtocol = LoadProtocol.chat
        if let text = self.string(object, "protocol", "") {
            if let value = LoadProtocol(rawValue: text) { wireProtocol = value } else {
                self.problem("protocol", "expected \"chat\" or \"raw\", got \"\(text)\"")
            }
        }
        let connectTimeout = self.duration(object, "connectTimeout", "") ?? 10
        var reconnect: ReconnectPolicy?
        if let reconnectObject = self.object(object["reconnect"], "reconnect") {
            self.unknownKeys(reconnectObject, ["attempts", "backoff", "maxBackoff"], "reconnect")
            reconnect = ReconnectPolicy(
                attempts: self.integer(reconnectObject, "attempts", "reconnect", range: 0...1000) ?? 3,
                backoffSeconds: self.duration(reconnectObject, "backoff", "reconnect") ?? 0.2,
                maxBackoffSeconds: self.duration(reconnectObject, "maxBackoff", "reconnect") ?? 5)
        }
        let groups = self.groups(object["groups"])
        let phases = self.phases(object["phases"], groups: groups)
        let drain = self.duration(object, "drain", "") ?? 5
        let thresholds = self.thresholds(object["thresholds"])
        let tolerate = self.tolerance(object["tolerate"])
        if wireProtocol == .raw {
            for problem in Scenario.rawProblems(groups: groups, phases: phases) {
                self.problem(problem.path, problem.message)
            }
        }
        return Scenario(
            name: name, description: description, seed: UInt64(seed), target: target, admin: admin,
            wireProtocol: wireProtocol, connectTimeoutSeconds: connectTimeout, reconnect: reconnect, groups: groups,
            phases: phases, drainSeconds: drain, thresholds: thresholds, tolerate: tolerate)
    }

    mutating func groups(_ value: Any?) -> [UserGroup] {
        guard let value else {
            self.problem("groups", "missing (expected an array of user groups)")
            return []
        }
        guard let list = value as? [Any], !list.isEmpty else {
            self.problem("groups", "expected a non-empty array of user groups, got \(Self.describe(value))")
            return []
        }
        var groups: [UserGroup] = []
        var seenNames: [String: String] = [:]
        for (index, element) in list.enumerated() {
            let path = "groups[\(index)]"
            guard let object = self.object(element, path) else { continue }
            self.unknownKeys(object, ["name", "count", "namePattern", "rooms", "script"], path)
            let name = self.string(object, "name", path) ?? "group\(index)"
            let count = self.integer(object, "count", path, range: 1...100_000, required: true) ?? 0
            let pattern = self.string(object, "namePattern", path) ?? "\(name)-{i}"
            if let problem = NamePattern.problem(pattern) {
                self.problem("\(path).namePattern", problem)
            } else if count > 1 && !pattern.contains("{") {
                self.problem("\(path).namePattern", "\(count) users need distinct names: use {i} in \"\(pattern)\"")
            } else if count > 0 {
                // Every user, not just the first and the last: with `{i%N}` the longest name can be in the middle.
                for userIndex in 0..<count {
                    let userName = NamePattern.expand(pattern, index: userIndex)
                    if let problem = NameRules.userNameProblem(userName) {
                        self.problem("\(path).namePattern", "user \(userIndex) would be \"\(userName)\": \(problem)")
                        break
                    }
                }
                for userIndex in 0..<count {
                    let userName = NamePattern.expand(pattern, index: userIndex)
                    if let other = seenNames[userName] {
                        self.problem("\(path).namePattern", "\"\(userName)\" is also a name in \(other): names must be unique")
                        break
                    }
                    seenNames[userName] = path
                }
            }
            let rooms = self.stringList(object, "rooms", path)
            for (roomIndex, room) in rooms.enumerated() {
                if let problem = NamePattern.problem(room) {
                    self.problem("\(path).rooms[\(roomIndex)]", problem)
                    continue
                }
                for userIndex in 0..<max(1, count) {
                    if let problem = NameRules.roomNameProblem(NamePattern.expand(room, index: userIndex)) {
                        self.problem("\(path).rooms[\(roomIndex)]", "for user \(userIndex): \(problem)")
                        break
                    }
                }
            }
            let script = self.steps(object["script"], "\(path).script")
            groups.append(UserGroup(name: name, count: count, namePattern: pattern, rooms: rooms, script: script))
        }
        return groups
    }

    mutating func phases(_ value: Any?, groups: [UserGroup]) -> [Phase] {
        guard let value else {
            self.problem("phases", "missing (expected an array of phases)")
            return []
        }
        guard let list = value as? [Any], !list.isEmpty else {
            self.problem("phases", "expected a non-empty array of phases, got \(Self.describe(value))")
            return []
        }
        var phases: [Phase] = []
        for (index, element) in list.enumerated() {
            let path = "phases[\(index)]"
            guard let object = self.object(element, path) else { continue }
            guard let type = self.string(object, "type", path, required: true) else { continue }
            switch type {
            case "rampUp":
                self.unknownKeys(object, ["type", "duration"], path)
                if index != 0 { self.problem("\(path).type", "rampUp must be the first phase (users connect once)") }
                phases.append(.rampUp(seconds: self.duration(object, "duration", path) ?? 0))
            case "hold":
                self.unknownKeys(object, ["type", "duration"], path)
                phases.append(.hold(seconds: self.duration(object, "duration", path, required: true) ?? 0))
            case "script":
                self.unknownKeys(object, ["type", "duration"], path)
                phases.append(.script(maxSeconds: self.duration(object, "duration", path)))
            case "arrivals":
                self.unknownKeys(object, ["type", "duration", "rate", "from", "to", "group", "action", "size", "text"], path)
                let seconds = self.duration(object, "duration", path, required: true) ?? 0
                var fromRate: Double?
                var toRate: Double?
                if object["rate"] != nil {
                    fromRate = self.rate(object["rate"], "\(path).rate")
                    toRate = fromRate
                    if object["from"] != nil || object["to"] != nil {
                        self.problem(path, "give either rate or from and to, not both")
                    }
                } else if object["from"] != nil || object["to"] != nil {
                    fromRate = self.rate(object["from"], "\(path).from")
                    toRate = self.rate(object["to"], "\(path).to")
                    if object["from"] == nil { self.problem("\(path).from", "missing (expected \"N/s\")") }
                    if object["to"] == nil { self.problem("\(path).to", "missing (expected \"N/s\")") }
                } else {
                    self.problem("\(path).rate", "missing (expected \"N/s\", or from and to for a ramp)")
                }
                let group = self.string(object, "group", path)
                if let group, !groups.contains(where: { $0.name == group }) {
                    self.problem("\(path).group", "no group named \"\(group)\"")
                }
                var action = ArrivalAction.say
                if let text = self.string(object, "action", path) {
                    if let value = ArrivalAction(rawValue: text) { action = value } else {
                        self.problem("\(path).action", "expected \"say\" or \"whisper\", got \"\(text)\"")
                    }
                }
                let content = self.content(object, path) ?? .size(64)
                phases.append(.arrivals(Arrivals(
                    seconds: seconds, fromRate: fromRate ?? 0, toRate: toRate ?? 0, group: group, action: action,
                    content: content)))
            default:
                self.problem("\(path).type", "expected \"rampUp\", \"arrivals\", \"script\" or \"hold\", got \"\(type)\"")
            }
        }
        return phases
    }

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

    mutating func thresholds(_ value: Any?) -> [Threshold] {
        guard let object = self.object(value, "thresholds") else { return [] }
        var thresholds: [Threshold] = []
        for metric in object.keys.sorted() {
            guard let expression = object[metric] as? String else {
                self.problem("thresholds.\(metric)", "expected a rule such as \"< 50ms\" or \"== 0\", got \(Self.describe(object[metric] ?? NSNull()))")
                continue
            }
            switch Threshold.parse(metric: metric, expression: expression) {
            case .success(let threshold): thresholds.append(threshold)
            case .failure(let error): self.problem("thresholds.\(metric)", error.message)
            }
        }
        return thresholds
    }

    /// `"tolerate": {"disconnects": 5, "failedSends": "2%"}`: a count, or a percentage of the check's base.
    mutating func tolerance(_ value: Any?) -> RunTolerance {
        guard let object = self.object(value, "tolerate") else { return RunTolerance() }
        let known = RunCheck.allCases.map(\.rawValue)
        var limits: [String: RunTolerance.Limit] = [:]
        for key in object.keys.sorted() {
            let path = "tolerate.\(key)"
            guard known.contains(key) else {
                self.problem(path, "unknown run check; known: \(known.joined(separator: ", "))")
                continue
            }
            let value = object[key] ?? NSNull()
            if let number = value as? NSNumber, !Self.isBool(number), number.doubleValue == number.doubleValue.rounded(),
                number.doubleValue >= 0, number.doubleValue <= 1e9
            {
                limits[key] = .count(number.intValue)
            } else if let text = value as? String, text.hasSuffix("%"),
                let percent = Double(text.dropLast().trimmingCharacters(in: .whitespaces)), percent >= 0, percent <= 100
            {
                limits[key] = .fraction(percent / 100)
            } else {
                self.problem(path, "expected a count (a whole number >= 0) or a percentage such as \"5%\", got \(Self.describe(value))")
            }
        }
        return RunTolerance(limits: limits)
    }
}
