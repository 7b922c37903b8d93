import Histogram

/// HdrHistogram's type under a name that does not clash with other `Histogram`s (swift-metrics').
typealias HdrHistogram = Histogram<UInt64>

/// A latency histogram in microseconds (1 µs to one hour, 3 significant digits): constant memory whatever
/// the number of samples, exact merging, percentiles without keeping samples.
public struct LatencyHistogram: Sendable, Equatable {
    private var histogram: HdrHistogram

    /// Highest value recorded exactly; larger values are clamped to it.
    static let highestMicros: UInt64 = 3_600_000_000

    public init() {
        self.histogram = HdrHistogram(
            lowestDiscernibleValue: 1, highestTrackableValue: Self.highestMicros, numberOfSignificantValueDigits: .three)
    }

    /// Records a duration given in nanoseconds.
    public mutating func record(nanoseconds: Int64) {
        let micros = UInt64(max(1, min(Int64(Self.highestMicros), nanoseconds / 1000)))
        _ = self.histogram.record(micros)
    }

    /// Records `count` samples of `micros` microseconds.
    mutating func record(micros: UInt64, count: UInt64) {
        _ = self.histogram.record(min(max(1, micros), Self.highestMicros), count: count)
    }

    /// Adds every sample of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        self.histogram.add(other.histogram)
    }

    public mutating func reset() { self.histogram.reset() }

    public var count: UInt64 { self.histogram.totalCount }

    /// The value at `percentile` (0–100), in seconds; 0 when empty.
    public func seconds(atPercentile percentile: Double) -> Double {
        self.count == 0 ? 0 : Double(self.histogram.valueAtPercentile(percentile)) / 1e6
    }

    public var maxSeconds: Double { self.count == 0 ? 0 : Double(self.histogram.max) / 1e6 }
    public var meanSeconds: Double { self.count == 0 ? 0 : self.histogram.mean / 1e6 }

    /// The non-empty buckets as (microseconds, count) pairs: a compact, exactly mergeable form for reports.
    public var buckets: [[UInt64]] {
        self.histogram.recordedValues().map { [$0.value, $0.count] }
    }

    /// Rebuilds a histogram from ``buckets``.
    public init(buckets: [[UInt64]]) {
        self.init()
        for bucket in buckets where bucket.count == 2 {
            self.record(micros: bucket[0], count: bucket[1])
        }
    }

    public static func == (lhs: LatencyHistogram, rhs: LatencyHistogram) -> Bool {
        lhs.buckets == rhs.buckets
    }
}
