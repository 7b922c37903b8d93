/// What a scenario expects to go wrong (a chaos run, a server killed on purpose), given as its `tolerate`
/// block: `{"disconnects": 5, "failedSends": "2%"}`. Each key names a built-in run check (``RunCheck``); its
/// limit is a count, or a percentage of the check's base. A check with no limit tolerates nothing.
public struct RunTolerance: Codable, Sendable, Equatable {
    /// A limit: at most this many, or at most this fraction of the check's base.
    public enum Limit: Codable, Sendable, Equatable, CustomStringConvertible {
        case count(Int)
        /// A fraction (0.02 for `2%`).
        case fraction(Double)

        /// Whether `value` of `base` is within the limit.
        func allows(_ value: Int, of base: Int) -> Bool {
            switch self {
            case .count(let count): return value <= count
            case .fraction(let fraction): return Double(value) <= fraction * Double(max(base, 0)) + 1e-9
            }
        }

        public var description: String {
            switch self {
            case .count(let count): return "\(count)"
            case .fraction(let fraction): return "\(Self.percentText(fraction * 100))%"
            }
        }

        /// `2`, `0.5`: no trailing zeros.
        static func percentText(_ percent: Double) -> String {
            percent == percent.rounded() && abs(percent) < 1e15 ? "\(Int(percent))" : "\(percent)"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let count = try? container.decode(Int.self) {
                self = .count(count)
            } else {
                let text = try container.decode(String.self)
                guard text.hasSuffix("%"), let percent = Double(text.dropLast()), percent.isFinite else {
                    throw DecodingError.dataCorruptedError(
                        in: container, debugDescription: "expected a count or \"N%\", got \"\(text)\"")
                }
                self = .fraction(percent / 100)
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .count(let count): try container.encode(count)
            case .fraction: try container.encode(self.description)
            }
        }
    }

    /// Limits by check (``RunCheck/rawValue``).
    public var limits: [String: Limit]

    public init(limits: [String: Limit] = [:]) { self.limits = limits }

    /// The limit for `check`, if the scenario gave one.
    public func limit(for check: RunCheck) -> Limit? { self.limits[check.rawValue] }

    public init(from decoder: Decoder) throws {
        self.limits = try decoder.singleValueContainer().decode([String: Limit].self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.limits)
    }
}
