import Histogram

/// HdrHistogram's type under a name that does not clash with other `Histogram`s (swift-metrics').
typealias HdrHistogram = Histogram<UInt64>

/// A latency histogram in microseconds (1 µs to one hour, 3 significant digits): constant memory whatever
/// the number of samples, exact merging, percentiles without keeping samples.
///
/// The HDR counts (about 190 KB) are allocated by the first sample: the load engine keeps several
/// histograms per event loop and starts new per-second ones, most of which stay empty.
public struct LatencyHistogram: Sendable, Equatable {
    private var histogram: HdrHistogram?

    /// Highest value recorded exactly; larger values are clamped to it.
    static let highestMicros: UInt64 = 3_600_000_000

    public init() {}

    private static func makeHistogram() -> HdrHistogram {
        HdrHistogram(
            lowestDiscernibleValue: 1, highestTrackableValue: Self.highestMicros, numberOfSignificantValueDigits: .three)
    }

    /// Records a duration given in nanoseconds.
    public mutating func record(nanoseconds: Int64) {
        let micros = UInt64(max(1, min(Int64(Self.highestMicros), nanoseconds / 1000)))
        self.record(micros: micros, count: 1)
    }

    /// Records `count` samples of `micros` microseconds.
    mutating func record(micros: UInt64, count: UInt64) {
        if self.histogram == nil { self.histogram = Self.makeHistogram() }
        _ = self.histogram?.record(min(max(1, micros), Self.highestMicros), count: count)
    }

    /// Adds every sample of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard let samples = other.histogram, samples.totalCount > 0 else { return }
        if self.histogram == nil {
            self.histogram = samples
        } else {
            self.histogram?.add(samples)
        }
    }

    public mutating func reset() { self.histogram = nil }

    public var count: UInt64 { self.histogram?.totalCount ?? 0 }

    /// The value at `percentile` (0–100), in seconds; 0 when empty.
    public func seconds(atPercentile percentile: Double) -> Double {
        guard let histogram = self.histogram, histogram.totalCount > 0 else { return 0 }
        return Double(histogram.valueAtPercentile(percentile)) / 1e6
    }

    public var maxSeconds: Double {
        guard let histogram = self.histogram, histogram.totalCount > 0 else { return 0 }
        return Double(histogram.max) / 1e6
    }

    public var meanSeconds: Double {
        guard let histogram = self.histogram, histogram.totalCount > 0 else { return 0 }
        return histogram.mean / 1e6
    }

    /// The non-empty buckets as (microseconds, count) pairs: a compact, exactly mergeable form for reports.
    public var buckets: [[UInt64]] {
        self.histogram?.recordedValues().map { [$0.value, $0.count] } ?? []
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
