import Foundation

extension LoadReport {
    /// Reads a report that `chatctl run --out` (or `chatctl report merge --out`) wrote. The error says what
    /// is wrong in words: a missing file, JSON that does not parse, or a field that is missing or of the
    /// wrong type, with its path (`latency.broadcast.buckets`).
    public static func read(contentsOf path: String) throws(ReportFileError) -> LoadReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReportFileError(message: "no such file")
        }
        guard !isDirectory.boolValue else { throw ReportFileError(message: "is a directory, not a report") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportFileError(message: "cannot read the file (permission denied?)")
        }
        return try Self.read(data)
    }

    /// Decodes report JSON, describing what is wrong the way ``read(contentsOf:)`` does.
    public static func read(_ data: Data) throws(ReportFileError) -> LoadReport {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw ReportFileError(message: "not valid JSON: \(detail)")
        }
        do {
            return try Self.decode(data)
        } catch let error as DecodingError {
            throw ReportFileError(message: "not a chatctl report: " + Self.describe(error))
        } catch {
            throw ReportFileError(message: "not a chatctl report: \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath, key)) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.typeName(type)), got null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is UInt64.Type, is Double.Type: return "a number"
        case is [Any].Type: return "an array"
        default: return "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
