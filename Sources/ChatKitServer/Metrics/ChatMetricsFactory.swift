import CoreMetrics
import Prometheus

/// A swift-metrics factory over one server's own Prometheus registry, giving every metric its HELP text and
/// buckets from ``ChatMetricDefinition``.
///
/// Why not swift-prometheus' `PrometheusMetricsFactory`: it registers every metric with an empty help text, so
/// the exposition would have no `# HELP` lines, and registering a name with a help text first and then through
/// that factory stops the process (the registry insists that help texts agree). Why not
/// `MetricsSystem.bootstrap`: it is one global factory per process, and one process may run several
/// servers (the tests do), each with its own registry. Handles are made with swift-metrics' initialisers that
/// take a `factory:`.
struct ChatMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    private let helpByName: [String: String]
    private let valueBucketsByName: [String: [Double]]
    private let durationBucketsByName: [String: [Duration]]

    /// A factory whose metrics land in `registry`, described by `definitions`.
    init(registry: PrometheusCollectorRegistry, definitions: [ChatMetricDefinition] = ChatMetricDefinition.all) {
        self.registry = registry
        var help: [String: String] = [:]
        var valueBuckets: [String: [Double]] = [:]
        var durationBuckets: [String: [Duration]] = [:]
        for definition in definitions {
            help[definition.name] = definition.help
            valueBuckets[definition.name] = definition.valueBuckets
            durationBuckets[definition.name] = definition.durationBuckets
        }
        self.helpByName = help
        self.valueBucketsByName = valueBuckets
        self.durationBucketsByName = durationBuckets
    }

    /// The registry's description of `label` (the full metric name) with its help text; an empty help (no
    /// `# HELP` line) for a metric the catalogue does not know.
    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: self.helpByName[label] ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        self.registry.makeCounter(descriptor: self.descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        self.registry.makeCounter(descriptor: self.descriptor(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        self.registry.makeGauge(descriptor: self.descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else {
            return self.registry.makeGauge(descriptor: self.descriptor(label), labels: dimensions)
        }
        let buckets = self.valueBucketsByName[label].flatMap { $0.isEmpty ? nil : $0 } ?? [1, 10, 100, 1000]
        return self.registry.makeValueHistogram(descriptor: self.descriptor(label), labels: dimensions, buckets: buckets)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let buckets =
            self.durationBucketsByName[label].flatMap { $0.isEmpty ? nil : $0 }
            ?? [.milliseconds(1), .milliseconds(10), .milliseconds(100), .seconds(1)]
        return self.registry.makeDurationHistogram(
            descriptor: self.descriptor(label), labels: dimensions, buckets: buckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { self.registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { self.registry.unregisterCounter(counter) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { self.registry.unregisterGauge(gauge) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        switch handler {
        case let gauge as Prometheus.Gauge: self.registry.unregisterGauge(gauge)
        case let histogram as ValueHistogram: self.registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { self.registry.unregisterDurationHistogram(histogram) }
    }
}
