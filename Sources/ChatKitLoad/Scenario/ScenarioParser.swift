import ChatKit
import Foundation

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
        var reader = ScenarioJSONReader()
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
