import Foundation

/// Pattern → reply rules for `chatctl bot --rules FILE`: a JSON array of
/// `{"match": "regular expression", "reply": "text"}`. The first rule whose expression matches the message
/// answers; in the reply, `$0`…`$9` are the match and its groups, `{from}` the sender, `{room}` the room.
struct BotRules {
    struct Rule {
        var expression: NSRegularExpression
        var reply: String
    }

    let rules: [Rule]

    /// Reads a rules file; errors name the rule and field.
    static func load(path: String) throws -> BotRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BotRulesError(message: "\(path): cannot read the file")
        }
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw BotRulesError(message: "\(path): expected a JSON array of {\"match\": …, \"reply\": …}")
        }
        var rules: [Rule] = []
        for (index, element) in list.enumerated() {
            guard let object = element as? [String: Any] else {
                throw BotRulesError(message: "\(path): [\(index)]: expected an object")
            }
            guard let pattern = object["match"] as? String else {
                throw BotRulesError(message: "\(path): [\(index)].match: expected a regular expression string")
            }
            guard let reply = object["reply"] as? String else {
                throw BotRulesError(message: "\(path): [\(index)].reply: expected a string")
            }
            do {
                rules.append(Rule(expression: try NSRegularExpression(pattern: pattern, options: [.caseInsensitive]), reply: reply))
            } catch {
                throw BotRulesError(message: "\(path): [\(index)].match: not a valid regular expression: \(pattern)")
            }
        }
        return BotRules(rules: rules)
    }

    /// The reply of the first matching rule.
    func reply(to content: String, from: String, room: String?) -> String? {
        let range = NSRange(content.startIndex..., in: content)
        for rule in self.rules {
            guard let match = rule.expression.firstMatch(in: content, range: range) else { continue }
            let template = rule.reply
                .replacingOccurrences(of: "{from}", with: from)
                .replacingOccurrences(of: "{room}", with: room ?? "")
            return rule.expression.replacementString(for: match, in: content, offset: 0, template: template)
        }
        return nil
    }
}

struct BotRulesError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
