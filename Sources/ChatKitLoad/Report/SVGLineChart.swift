import Foundation

/// A line chart as inline SVG: one or more series over seconds, with a grid, labelled axes, a legend, and
/// a marker per data point. Nothing in it refers to anything outside the page (no fonts, no scripts);
/// the page's CSS colours it through the series' classes.
///
/// The markup is meant to be read by tests as well as people: the `<svg>` has the chart's `id` and class
/// `chart`, each series is a `<g class="series series-NAME" data-series="NAME">` holding one
/// `<polyline class="line">` per unbroken run of points and, for charts of at most
/// ``maxPointMarkers`` points, a `<circle class="point" data-x data-y>` per point with a `<title>` tooltip.
struct SVGLineChart {
    /// One value at one second; `nil` in a series is a gap (no sample that second): the line breaks there.
    struct Point: Equatable {
        var x: Double
        var y: Double
    }

    struct Series {
        /// Short name: the legend's text and the `series-NAME` class (letters, digits and `-` only).
        var name: String
        var points: [Point?]
    }

    /// The `<svg>` element's id (`chart-latency`).
    var id: String
    /// Read by screen readers (`<title>`); the page shows its own heading.
    var title: String
    /// Formats a y value for ticks and tooltips (`12.0ms`, `1500`).
    var format: (Double) -> String
    var series: [Series]
    /// The right end of the x axis; charts of one report share it, whatever their gaps. Default: the
    /// largest x of any point.
    var xMax: Double?

    /// Drawing size in CSS pixels; the SVG scales down to narrow screens through its viewBox.
    static let width = 720.0
    static let height = 240.0
    /// Room for the y labels on the left, the x labels below and the legend above.
    static let marginLeft = 64.0, marginRight = 16.0, marginTop = 28.0, marginBottom = 34.0
    /// Above this many points a series is drawn as a line only: a 1-hour soak would otherwise carry
    /// thousands of markers per chart. The polyline still has every point.
    static let maxPointMarkers = 600
    /// About how many grid lines each axis gets.
    static let yTickTarget = 4, xTickTarget = 8

    func render() -> String {
        let present = self.series.flatMap { $0.points.compactMap { $0 } }
        let maxX = max(1, self.xMax ?? present.map(\.x).max() ?? 1)
        let yStep = Self.niceStep(for: present.map(\.y).max() ?? 0, ticks: Self.yTickTarget)
        let maxY = max(yStep, ((present.map(\.y).max() ?? 0) / yStep).rounded(.up) * yStep)
        let xStep = max(1, Self.niceStep(for: maxX, ticks: Self.xTickTarget).rounded(.up))
        let plotWidth = Self.width - Self.marginLeft - Self.marginRight
        let plotHeight = Self.height - Self.marginTop - Self.marginBottom
        let px = { (x: Double) in Self.marginLeft + x / maxX * plotWidth }
        let py = { (y: Double) in Self.marginTop + plotHeight - y / maxY * plotHeight }
        let id = MarkupEscaping.escape(self.id)

        var svg = "<svg id=\"\(id)\" class=\"chart\" "
            + "viewBox=\"0 0 \(Self.n(Self.width)) \(Self.n(Self.height))\" role=\"img\" "
            + "aria-labelledby=\"\(id)-title\">\n"
        svg += "<title id=\"\(id)-title\">\(MarkupEscaping.escape(self.title))</title>\n"

        // Grid and axis labels.
        svg += "<g class=\"grid\">\n"
        for tick in stride(from: 0.0, through: maxY + yStep / 2, by: yStep) {
            let y = Self.n(py(tick))
            svg += "<line x1=\"\(Self.n(Self.marginLeft))\" y1=\"\(y)\" "
                + "x2=\"\(Self.n(Self.width - Self.marginRight))\" y2=\"\(y)\"/>"
            svg += "<text class=\"y-label\" x=\"\(Self.n(Self.marginLeft - 6))\" y=\"\(y)\" text-anchor=\"end\" "
                + "dominant-baseline=\"middle\">\(MarkupEscaping.escape(self.format(tick)))</text>\n"
        }
        for tick in stride(from: 0.0, through: maxX, by: xStep) {
            let x = Self.n(px(tick))
            svg += "<line x1=\"\(x)\" y1=\"\(Self.n(Self.marginTop))\" x2=\"\(x)\" "
                + "y2=\"\(Self.n(Self.marginTop + plotHeight))\"/>"
            svg += "<text class=\"x-label\" x=\"\(x)\" y=\"\(Self.n(Self.height - Self.marginBottom + 16))\" "
                + "text-anchor=\"middle\">\(Self.n(tick))s</text>\n"
        }
        svg += "</g>\n"
        svg += "<rect class=\"frame\" x=\"\(Self.n(Self.marginLeft))\" y=\"\(Self.n(Self.marginTop))\" "
            + "width=\"\(Self.n(plotWidth))\" height=\"\(Self.n(plotHeight))\"/>\n"

        if present.isEmpty {
            svg += "<text class=\"no-data\" x=\"\(Self.n(Self.marginLeft + plotWidth / 2))\" "
                + "y=\"\(Self.n(Self.marginTop + plotHeight / 2))\" text-anchor=\"middle\">no data</text>\n"
        }

        // Series: lines broken at gaps, then markers.
        let markers = present.count <= Self.maxPointMarkers
        for series in self.series {
            let name = MarkupEscaping.escape(series.name)
            svg += "<g class=\"series series-\(name)\" data-series=\"\(name)\">\n"
            for run in Self.runs(series.points) {
                let points = run.map { "\(Self.n(px($0.x))),\(Self.n(py($0.y)))" }.joined(separator: " ")
                svg += "<polyline class=\"line\" points=\"\(points)\"/>\n"
            }
            if markers {
                for point in series.points.compactMap({ $0 }) {
                    let label = MarkupEscaping.escape("\(series.name) at \(Self.n(point.x))s: \(self.format(point.y))")
                    svg += "<circle class=\"point\" cx=\"\(Self.n(px(point.x)))\" "
                        + "cy=\"\(Self.n(py(point.y)))\" r=\"2.5\" "
                        + "data-x=\"\(Self.n(point.x))\" data-y=\"\(point.y)\"><title>\(label)</title></circle>\n"
                }
            }
            svg += "</g>\n"
        }

        // Legend, top right.
        var legendX = Self.width - Self.marginRight
        svg += "<g class=\"legend\">\n"
        for series in self.series.reversed() {
            let name = MarkupEscaping.escape(series.name)
            legendX -= Double(series.name.count) * 7 + 24
            svg += "<g class=\"series-\(name)\"><rect class=\"swatch\" x=\"\(Self.n(legendX))\" y=\"8\" width=\"12\" "
                + "height=\"12\"/><text x=\"\(Self.n(legendX + 16))\" y=\"18\">\(name)</text></g>\n"
        }
        svg += "</g>\n</svg>"
        return svg
    }

    /// The unbroken runs of a series (a single point is a run of one: its marker shows it).
    static func runs(_ points: [Point?]) -> [[Point]] {
        var runs: [[Point]] = []
        var current: [Point] = []
        for point in points {
            if let point {
                current.append(point)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// A step of 1, 2 or 5 × 10^k that divides `0...maximum` into about `ticks` parts (1 for an empty range).
    static func niceStep(for maximum: Double, ticks: Int) -> Double {
        guard maximum > 0, maximum.isFinite else { return 1 }
        let raw = maximum / Double(max(1, ticks))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// A coordinate with at most two decimals and no trailing zeros (`12`, `12.5`).
    static func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }
}
