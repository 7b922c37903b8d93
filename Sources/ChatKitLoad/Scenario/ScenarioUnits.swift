import Foundation

/// Parses the human units of scenario files: durations (`500ms`, `10s`, `2m`, `1h`) and rates (`50/s`,
/// `600/m`). Each parser returns `nil` for text it does not understand; callers turn that into an error
/// naming the field.
public enum ScenarioUnits {
    /// The longest duration a scenario may give anywhere (one year): the load runner schedules in `Int64`
    /// nanoseconds, which a longer time could overflow (a trap). The fuzz target FuzzScenario checks it.
    public static let maxSeconds: Double = 365 * 86_400
    /// The highest rate a scenario may give (events per second), so that counts derived from a rate and a
    /// duration stay far inside `Int`.
    public static let maxPerSecond: Double = 1_000_000

    /// Seconds in `text`: digits, an optional fraction, and a unit (`250ms`, `1.5s`, `2m`, `1h`, `40us`).
    /// With `allowBareNumber`, a number without a unit is seconds.
    public static func seconds(_ text: String, allowBareNumber: Bool = false) -> Double? {
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            // 400 nines and `h` is a finite number of hours but not of seconds.
            guard let value = Self.plainNumber(text.dropLast(suffix.count)), (value * scale).isFinite else {
                return nil
            }
            return value * scale
        }
        return allowBareNumber ? Self.plainNumber(Substring(text)) : nil
    }

    /// `12` or `1.5`: digits with at most one decimal point, nothing else (no signs, exponents or spaces).
    private static func plainNumber(_ text: Substring) -> Double? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Events per second in `text` (`50/s`, `600/m`, `3600/h`).
    public static func perSecond(_ text: String) -> Double? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Self.plainNumber(parts[0]) else { return nil }
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
