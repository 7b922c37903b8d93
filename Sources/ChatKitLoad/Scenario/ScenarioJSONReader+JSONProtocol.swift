import Foundation

// The `json` block: the json adapter's frame templates, pointers and type values (docs/protocols.md).
extension ScenarioJSONReader {
    mutating func jsonProtocol(_ value: Any?) -> JSONProtocolSettings? {
        guard let value else {
            self.problem("json", "missing: protocol \"json\" needs a json block (frames to send, where to read received ones)")
            return nil
        }
        guard let object = self.object(value, "json") else { return nil }
        self.unknownKeys(object, [
            "hello", "join", "leave", "say", "whisper", "typeAt", "roomAt", "senderAt", "recipientAt", "textAt",
            "nameAt", "messageTypes", "whisperTypes", "joinedTypes", "presenceTypes", "errorTypes",
        ], "json")
        let hello = self.template(object, "hello", allowed: ["name", "i", "token"])
        let join = self.template(object, "join", required: ["room"], allowed: ["room", "name", "i", "token"])
        let leave = self.template(object, "leave", required: ["room"], allowed: ["room", "name", "i", "token"])
        let say = self.template(object, "say", required: ["text"], allowed: ["room", "text", "name", "i", "token"])
        let whisper = self.template(object, "whisper", required: ["to", "text"], allowed: ["to", "text", "name", "i", "token"])
        if object["join"] == nil { self.problem("json.join", "missing (expected the frame that joins {room})") }
        if object["say"] == nil { self.problem("json.say", "missing (expected the frame that says {text} in {room})") }
        let typeAt = self.pointer(object, "typeAt", required: true)
        let textAt = self.pointer(object, "textAt", required: true)
        let roomAt = self.pointer(object, "roomAt")
        let senderAt = self.pointer(object, "senderAt")
        let recipientAt = self.pointer(object, "recipientAt")
        let nameAt = self.pointer(object, "nameAt")
        let messageTypes = Set(self.stringList(object, "messageTypes", "json"))
        if messageTypes.isEmpty {
            self.problem("json.messageTypes", "missing (expected the type values of a room message, e.g. [\"message\"])")
        }
        let whisperTypes = Set(self.stringList(object, "whisperTypes", "json"))
        if whisper != nil && whisperTypes.isEmpty {
            self.problem("json.whisperTypes", "missing: json.whisper is set, so received whispers need their type values")
        }
        let joinedTypes = Set(self.stringList(object, "joinedTypes", "json"))
        let presenceTypes = Set(self.stringList(object, "presenceTypes", "json"))
        let errorTypes = Set(self.stringList(object, "errorTypes", "json"))
        let named: [(String, Set<String>)] = [
            ("messageTypes", messageTypes), ("whisperTypes", whisperTypes), ("joinedTypes", joinedTypes),
            ("presenceTypes", presenceTypes), ("errorTypes", errorTypes),
        ]
        for (index, (name, types)) in named.enumerated() {
            for (otherName, other) in named[(index + 1)...] where !types.isDisjoint(with: other) {
                let shared = types.intersection(other).sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                self.problem("json.\(otherName)", "\(shared) is also in json.\(name): a type value means one thing")
            }
        }
        guard let join, let say, let typeAt, let textAt else { return nil }
        return JSONProtocolSettings(
            hello: hello, join: join, leave: leave, say: say, whisper: whisper, typeAt: typeAt, roomAt: roomAt,
            senderAt: senderAt, recipientAt: recipientAt, textAt: textAt, nameAt: nameAt, messageTypes: messageTypes,
            whisperTypes: whisperTypes, joinedTypes: joinedTypes, presenceTypes: presenceTypes, errorTypes: errorTypes)
    }

    private mutating func template(
        _ object: [String: Any], _ key: String, required: Set<String> = [], allowed: Set<String>
    ) -> JSONFrameTemplate? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        let template: JSONFrameTemplate
        do { template = try JSONFrameTemplate(value) } catch {
            self.problem("json.\(key)", error.message)
            return nil
        }
        let missing = required.subtracting(template.placeholders).sorted().map { "{\($0)}" }
        if !missing.isEmpty { self.problem("json.\(key)", "missing placeholder \(missing.joined(separator: ", "))") }
        let foreign = template.placeholders.subtracting(allowed).sorted().map { "{\($0)}" }
        if !foreign.isEmpty {
            self.problem("json.\(key)", "placeholder \(foreign.joined(separator: ", ")) has no value in this frame")
        }
        return missing.isEmpty && foreign.isEmpty ? template : nil
    }

    private mutating func pointer(_ object: [String: Any], _ key: String, required: Bool = false) -> JSONPointer? {
        guard let text = self.string(object, key, "json", required: required) else { return nil }
        guard let pointer = JSONPointer(text) else {
            self.problem("json.\(key)", "expected a JSON Pointer such as \"/data/text\", got \"\(text.prefix(60))\"")
            return nil
        }
        return pointer
    }
}

extension Scenario {
    /// Why a scenario with these groups and phases cannot run with the `json` mapping `settings`: steps its mapping
    /// has no frame for (whispers without `json.whisper`, leaves without `json.leave`), and `expect` steps, which
    /// read ChatKit's frames.
    static func jsonProblems(
        _ settings: JSONProtocolSettings, groups: [UserGroup], phases: [Phase]
    ) -> [(path: String, message: String)] {
        var problems: [(String, String)] = []
        for (index, phase) in phases.enumerated() {
            if case .arrivals(let arrivals) = phase, arrivals.action == .whisper, settings.whisper == nil {
                problems.append(("phases[\(index)].action", "whisper needs json.whisper (the frame that whispers)"))
            }
        }
        func scan(_ steps: [Step], _ path: String) {
            for (index, step) in steps.enumerated() {
                switch step {
                case .whisper where settings.whisper == nil:
                    problems.append(("\(path)[\(index)].whisper", "whisper needs json.whisper (the frame that whispers)"))
                case .leave where settings.leave == nil:
                    problems.append(("\(path)[\(index)].leave", "leave needs json.leave (the frame that leaves)"))
                case .expect:
                    problems.append(("\(path)[\(index)].expect", "expect reads chatkit's frames: protocol chat only"))
                case .repeat(_, let inner): scan(inner, "\(path)[\(index)].repeat.steps")
                default: break
                }
            }
        }
        for (index, group) in groups.enumerated() { scan(group.script, "groups[\(index)].script") }
        return problems
    }
}
