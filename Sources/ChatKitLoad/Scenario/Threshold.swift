import Foundation

/// A pass/fail rule on one metric of a report, e.g. `"latency.broadcast.p99": "< 50ms"`,
/// `"delivery.lost": "== 0"`, `"connect.errors": "< 1%"`.
public struct Threshold: Sendable, Equatable, Codable {
    /// The metric's name (see ``LoadMetricCatalog``).
    public var metric: String
    /// The rule as written (`< 50ms`).
    public var expression: String
    public var comparison: Comparison
    /// The bound: seconds for a time, a fraction (0.01 for `1%`) for a percentage, a plain number otherwise.
    public var bound: Double
    /// Whether the bound is a percentage of the metric's base (`connect.errors` of `connect.attempts`).
    public var isPercentage: Bool

    public enum Comparison: String, Sendable, Equatable, Codable, CaseIterable {
        case lessThan = "<", lessOrEqual = "<=", greaterThan = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

        func holds(_ value: Double, _ bound: Double) -> Bool {
            switch self {
            case .lessThan: return value < bound
            case .lessOrEqual: return value <= bound
            case .greaterThan: return value > bound
            case .greaterOrEqual: return value >= bound
            case .equal: return value == bound
            case .notEqual: return value != bound
            }
        }
    }

    /// Parses `metric: expression`; the error says what was expected.
    public static func parse(metric: String, expression: String) -> Result<Threshold, ThresholdError> {
        guard LoadMetricCatalog.isKnown(metric) else {
            return .failure(ThresholdError(message: "unknown metric \"\(metric)\"; known: \(LoadMetricCatalog.examples)"))
        }
        let text = expression.trimmingCharacters(in: .whitespaces)
        let operators = Comparison.allCases.sorted { $0.rawValue.count > $1.rawValue.count }
        guard let comparison = operators.first(where: { text.hasPrefix($0.rawValue) }) else {
            return .failure(ThresholdError(message: "expected \"<|<=|>|>=|==|!= VALUE\", got \"\(expression)\""))
        }
        let valueText = text.dropFirst(comparison.rawValue.count).trimmingCharacters(in: .whitespaces)
        let isTime = LoadMetricCatalog.isTime(metric)
        var bound: Double?
        var isPercentage = false
        if valueText.hasSuffix("%") {
            guard LoadMetricCatalog.percentBase(of: metric) != nil || LoadMetricCatalog.ratios.contains(metric) else {
                return .failure(ThresholdError(message: "\(metric) has no base to take a percentage of"))
            }
            bound = Double(valueText.dropLast()).map { $0 / 100 }
            isPercentage = true
        } else if isTime {
            bound = valueText == "0" ? 0 : ScenarioUnits.seconds(valueText)
            if bound == nil {
                return .failure(ThresholdError(
                    message: "expected a duration with a unit (\"50ms\", \"1s\"), got \"\(expression)\""))
            }
        } else {
            bound = Double(valueText)
        }
        guard let bound, bound.isFinite else {
            return .failure(ThresholdError(message: "expected a number after \(comparison.rawValue), got \"\(expression)\""))
        }
        return .success(Threshold(
            metric: metric, expression: expression, comparison: comparison, bound: bound, isPercentage: isPercentage))
    }
}

/// Why a threshold could not be read.
public struct ThresholdError: Error, Sendable, Equatable {
    public var message: String
    public init(message: String) { self.message = message }
}

/// The metrics a report has, their units, and what a percentage of them is taken of.
public enum LoadMetricCatalog {
    /// Latency families: each has p50, p90, p99, p99.9, max and mean, in seconds. The `.fromSend` families time
    /// the same copies from the moment their send went out instead of its planned time.
    public static let latencyFamilies = LoadLatency.catalogueOrder.map(\.metricFamily)
    public static let latencyStatistics = ["p50", "p90", "p99", "p99.9", "max", "mean"]

    /// Counters and the base each one's percentage is taken of (``LoadCounter``, by name).
    public static let counters: [String: String?] = Dictionary(
        uniqueKeysWithValues: LoadCounter.allCases.map { ($0.rawValue, $0.percentBase?.rawValue) })

    /// How the generator itself did (``LoadReport/GeneratorSummary``), as fractions: `generator.lateRatio` is
    /// `sends.late / sends.total`, `generator.cpuUtilization` the CPU the process used in the load window over
    /// the CPU its cores could give. A rule on one takes a fraction (`< 0.01`) or a percentage (`< 1%`).
    public static let ratios: Set<String> = ["generator.lateRatio", "generator.cpuUtilization"]

    /// Generator times in seconds: `generator.maxLag`, the largest lag of a send behind its planned time.
    public static let generatorTimes: Set<String> = ["generator.maxLag"]

    /// Whether `metric` names something a report has (`errors.CODE` for any error code).
    public static func isKnown(_ metric: String) -> Bool {
        if Self.counters[metric] != nil || Self.isTime(metric) || Self.ratios.contains(metric) { return true }
        return metric.hasPrefix("errors.") && metric.count > "errors.".count
    }

    /// Whether the metric is a duration in seconds.
    public static func isTime(_ metric: String) -> Bool {
        if Self.generatorTimes.contains(metric) { return true }
        guard let dot = metric.range(of: ".", options: .backwards) else { return false }
        var family = String(metric[..<dot.lowerBound])
        var statistic = String(metric[dot.upperBound...])
        if statistic == "9" && family.hasSuffix(".p99") {  // "p99.9" contains a dot
            family = String(family.dropLast(4))
            statistic = "p99.9"
        }
        return Self.latencyFamilies.contains(family) && Self.latencyStatistics.contains(statistic)
    }

    /// The metric a percentage of `metric` is taken of.
    public static func percentBase(of metric: String) -> String? {
        if let base = Self.counters[metric] { return base }
        return metric.hasPrefix("errors.") ? LoadCounter.sendsTotal.rawValue : nil
    }

    static let examples = "latency.broadcast.p99, latency.whisper.p99, latency.echo.p99, latency.connect.p99, "
        + "delivery.lost, delivery.duplicated, delivery.outOfOrder, whisper.lost, whisper.leaks, presence.missing, "
        + "connect.errors, errors.total, errors.CODE, sends.late, scripts.stopped, expect.failed, http.failed, "
        + "latency.broadcast.fromSend.p99, generator.lateRatio, generator.maxLag, generator.cpuUtilization "
        + "(docs/scenarios.md)"
}
