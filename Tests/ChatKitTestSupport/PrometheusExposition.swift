import Foundation

/// A Prometheus text exposition (format 0.0.4), parsed and checked: `# HELP` and `# TYPE` lines, samples with
/// labels, and the consistency of each histogram's `_bucket`, `_sum` and `_count` series. The order of
/// families and series is not significant (the registry's is not stable), so tests look values up by name and
/// labels instead of comparing text.
package struct PrometheusExposition {
    /// One line of data: a series and its value.
    package struct Sample: Hashable {
        package var name: String
        package var labels: [String: String]
        package var value: Double

        package init(name: String, labels: [String: String], value: Double) {
            self.name = name
            self.labels = labels
            self.value = value
        }
    }

    /// A violation of the format found while parsing.
    package struct FormatError: Error, CustomStringConvertible {
        package var line: Int
        package var problem: String
        package var description: String { "line \(self.line): \(self.problem)" }
    }

    /// `# HELP` text by family name.
    package private(set) var help: [String: String] = [:]
    /// `# TYPE` by family name (`counter`, `gauge`, `histogram`, `summary`, `untyped`).
    package private(set) var types: [String: String] = [:]
    package private(set) var samples: [Sample] = []

    /// The value of the series `name` with exactly `labels`; `nil` when there is none.
    package func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        self.samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every series of `name`, whatever its labels.
    package func samples(named name: String) -> [Sample] { self.samples.filter { $0.name == name } }

    /// The family a sample belongs to: its own name, or the histogram/summary it is a part of.
    package func family(of sampleName: String) -> String? {
        if self.types[sampleName] != nil { return sampleName }
        for suffix in ["_bucket", "_sum", "_count"] where sampleName.hasSuffix(suffix) {
            let base = String(sampleName.dropLast(suffix.count))
            if let type = self.types[base], type == "histogram" || (type == "summary" && suffix != "_bucket") {
                return base
            }
        }
        return nil
    }

    // MARK: Parsing

    /// Parses `text`, throwing at the first line that breaks the format or the rules of the checks below.
    package static func parse(_ text: String) throws -> PrometheusExposition {
        var exposition = PrometheusExposition()
        var seenSeries = Set<String>()
        var familiesWithSamples = Set<String>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(rawLine)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.hasPrefix("#") {
                try exposition.parseComment(line, number: number, familiesWithSamples: familiesWithSamples)
                continue
            }
            var scanner = LineScanner(line, number: number)
            let sample = try scanner.sample()
            guard let family = exposition.family(of: sample.name) else {
                throw FormatError(line: number, problem: "sample \(sample.name) has no # TYPE line before it")
            }
            familiesWithSamples.insert(family)
            let key = sample.name + "{" + sample.labels.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(
                separator: ",") + "}"
            guard seenSeries.insert(key).inserted else {
                throw FormatError(line: number, problem: "series \(key) appears twice")
            }
            exposition.samples.append(sample)
        }
        try exposition.checkHistograms()
        return exposition
    }

    private mutating func parseComment(_ line: String, number: Int, familiesWithSamples: Set<String>) throws {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[1] == "HELP" || parts[1] == "TYPE" else { return }  // a plain comment
        let name = parts[2]
        guard Self.isMetricName(name) else { throw FormatError(line: number, problem: "bad metric name \(name)") }
        let rest = parts.count > 3 ? parts[3] : ""
        if parts[1] == "HELP" {
            guard self.help[name] == nil else { throw FormatError(line: number, problem: "second HELP for \(name)") }
            self.help[name] = rest.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(
                of: "\\\\", with: "\\")
        } else {
            guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(rest) else {
                throw FormatError(line: number, problem: "unknown type \(rest)")
            }
            guard self.types[name] == nil else { throw FormatError(line: number, problem: "second TYPE for \(name)") }
            guard !familiesWithSamples.contains(name) else {
                throw FormatError(line: number, problem: "TYPE for \(name) after its samples")
            }
            self.types[name] = rest
        }
    }

    /// Each histogram series (one per label set, `le` aside): buckets with increasing bounds and
    /// non-decreasing counts, a `+Inf` bucket equal to `_count`, and a `_sum`.
    private func checkHistograms() throws {
        for (family, type) in self.types where type == "histogram" {
            var buckets: [[String: String]: [(bound: Double, count: Double)]] = [:]
            for sample in self.samples(named: family + "_bucket") {
                guard let le = sample.labels["le"], let bound = Self.number(le) else {
                    throw FormatError(line: 0, problem: "\(family)_bucket without a numeric le label")
                }
                var labels = sample.labels
                labels["le"] = nil
                buckets[labels, default: []].append((bound, sample.value))
            }
            guard !buckets.isEmpty else { throw FormatError(line: 0, problem: "histogram \(family) has no buckets") }
            for (labels, series) in buckets {
                let sorted = series.sorted { $0.bound < $1.bound }
                guard sorted.last?.bound == .infinity else {
                    throw FormatError(line: 0, problem: "\(family)\(labels) has no +Inf bucket")
                }
                for (lower, upper) in zip(sorted, sorted.dropFirst()) {
                    guard lower.bound < upper.bound else {
                        throw FormatError(line: 0, problem: "\(family)\(labels): bucket le=\(upper.bound) twice")
                    }
                    guard lower.count <= upper.count else {
                        throw FormatError(line: 0, problem: "\(family)\(labels): buckets are not cumulative")
                    }
                }
                guard let count = self.value(family + "_count", labels), count == sorted.last?.count else {
                    throw FormatError(line: 0, problem: "\(family)\(labels): _count differs from the +Inf bucket")
                }
                guard self.value(family + "_sum", labels) != nil else {
                    throw FormatError(line: 0, problem: "\(family)\(labels) has no _sum")
                }
            }
        }
    }

    package static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == ":" }
    }

    package static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
    }

    /// A sample value or `le` bound: a Go-style float, `+Inf`, `-Inf` or `NaN`.
    package static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }
}

/// Reads one sample line: `name{label="value",...} value [timestamp]`.
private struct LineScanner {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private let number: Int

    package init(_ line: String, number: Int) {
        self.scalars = Array(line.unicodeScalars)
        self.number = number
    }

    private func error(_ problem: String) -> PrometheusExposition.FormatError {
        PrometheusExposition.FormatError(line: self.number, problem: problem)
    }

    private var current: Unicode.Scalar? { self.position < self.scalars.count ? self.scalars[self.position] : nil }

    private mutating func take(while predicate: (Unicode.Scalar) -> Bool) -> String {
        var taken = String.UnicodeScalarView()
        while let scalar = self.current, predicate(scalar) {
            taken.append(scalar)
            self.position += 1
        }
        return String(taken)
    }

    package mutating func sample() throws -> PrometheusExposition.Sample {
        let name = self.take { $0 != "{" && $0 != " " }
        guard PrometheusExposition.isMetricName(name) else { throw self.error("bad metric name \(name)") }
        var labels: [String: String] = [:]
        if self.current == "{" {
            self.position += 1
            while self.current != "}" {
                let labelName = self.take { $0 != "=" }
                guard PrometheusExposition.isLabelName(labelName) else {
                    throw self.error("bad label name \(labelName)")
                }
                let opensValue = self.position + 1 < self.scalars.count && self.scalars[self.position + 1] == "\""
                guard self.current == "=", opensValue else { throw self.error("label \(labelName) without =\"value\"") }
                self.position += 2
                let value = try self.quoted()
                guard labels.updateValue(value, forKey: labelName) == nil else {
                    throw self.error("label \(labelName) twice")
                }
                if self.current == "," { self.position += 1 }
                guard self.current != nil else { throw self.error("unterminated label set") }
            }
            self.position += 1
        }
        guard self.current == " " else { throw self.error("no space before the value") }
        self.position += 1
        let fields = self.take { _ in true }.split(separator: " ").map(String.init)
        guard (1...2).contains(fields.count), let value = PrometheusExposition.number(fields[0]) else {
            throw self.error("bad value \(fields)")
        }
        if fields.count == 2, Int64(fields[1]) == nil { throw self.error("bad timestamp \(fields[1])") }
        return PrometheusExposition.Sample(name: name, labels: labels, value: value)
    }

    /// A label value after its opening quote, with `\\`, `\"` and `\n` escapes; consumes the closing quote.
    private mutating func quoted() throws -> String {
        var value = String.UnicodeScalarView()
        while let scalar = self.current {
            self.position += 1
            switch scalar {
            case "\"":
                return String(value)
            case "\\":
                guard let escaped = self.current else { throw self.error("dangling escape") }
                self.position += 1
                switch escaped {
                case "\\": value.append("\\")
                case "\"": value.append("\"")
                case "n": value.append("\n")
                default: throw self.error("unknown escape \\\(escaped)")
                }
            default:
                value.append(scalar)
            }
        }
        throw self.error("unterminated label value")
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
