import Foundation

/// Parses the human units of scenario files: durations (`500ms`, `10s`, `2m`, `1h`) and rates (`50/s`,
/// `600/m`). Each parser returns `nil` for text it does not understand; callers turn that into an error
/// naming the field.
public enum ScenarioUnits {
    /// Seconds in `text` (`250ms`, `1.5s`, `2m`, `1h`; a bare number is seconds).
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value.isFinite, value >= 0 else { return nil }
            return value * scale
        }
        guard let value = Double(trimmed), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// Events per second in `text` (`50/s`, `600/m`, `3600/h`).
    public static func perSecond(_ text: String) -> Double? {
        let parts = text.replacingOccurrences(of: " ", with: "").split(separator: "/")
        guard parts.count == 2, let count = Double(parts[0]), count.isFinite, count >= 0 else { return nil }
        switch parts[1] {
        case "s": return count
        case "m": return count / 60
        case "h": return count / 3600
        default: return nil
        }
    }

    /// A short human form of a duration in seconds (`850µs`, `12.3ms`, `1.50s`).
    public static func describe(seconds: Double) -> String {
        if seconds < 0.001 { return String(format: "%.0fµs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.1fms", seconds * 1e3) }
        return String(format: "%.2fs", seconds)
    }
}
