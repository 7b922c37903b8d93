import ChatKit
import Foundation

// The `groups` section: who the users are, their names and rooms.
extension ScenarioJSONReader {
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
}
