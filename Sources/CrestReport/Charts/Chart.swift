import Crest

/// A chart of values against concurrency: series of points with interval bars, horizontal
/// reference lines (a budget, a ceiling), a vertical marker (the recommended level), axes with
/// readable ticks and units, a legend and a title. Rendered as a standalone SVG, light and
/// printable. Element classes (`point`, `interval`, `reference`, `marker`, `x-tick`, `y-tick`)
/// are what tests and stylesheets hold on to.
struct Chart {
    struct Point {
        let x: Double
        let y: Double
        var low: Double? = nil
        var high: Double? = nil
        /// A short label beside the point: the search steps that measured it.
        var label: String? = nil
    }

    struct Series {
        let name: String
        let color: String
        let points: [Point]
        /// Joined by a line (in x order), or points alone.
        var joined = true
        /// A line alone (a fitted curve) draws no points.
        var showsPoints = true
    }

    /// A shaded band between two curves: a fit's prediction interval.
    struct Band {
        let points: [(x: Double, low: Double, high: Double)]
        let color: String
    }

    struct Reference {
        let y: Double
        let label: String
        var color = "#c0392b"
    }

    struct Marker {
        let x: Double
        let label: String
    }

    let title: String
    let xLabel: String
    let yLabel: String
    /// Formats a y value for its tick label.
    let yFormat: (Double) -> String
    var series: [Series] = []
    var references: [Reference] = []
    var markers: [Marker] = []
    var bands: [Band] = []
    /// The x axis: chosen from the data when nil (log2 for concurrencies spanning a factor of 8).
    var xKind: ChartScale.Kind?
    /// A linear x axis from zero even when the data sit far from it (a cost or latency read as a size).
    var xStartsAtZero = false
    /// The y axis's top, when it is fixed (100 for a percentage that cannot exceed it).
    var yTop: Double?
    var pointRadius = 4.0

    static let width = 760.0
    static let height = 440.0
    private static let margin = (left: 78.0, right: 24.0, top: 70.0, bottom: 58.0)

    func render() -> String {
        var svg = SVGWriter(width: Self.width, height: Self.height)
        let plot = (left: Self.margin.left, right: Self.width - Self.margin.right, top: Self.margin.top, bottom: Self.height - Self.margin.bottom)
        let xs = series.flatMap { $0.points.map(\.x) } + markers.map(\.x)
        let useLog = xKind.map { $0 == .log2 } ?? ((xs.max() ?? 1) / max(xs.min() ?? 1, 1) >= 8)
        let xScale = useLog
            ? ChartScale.log2(from: xs.min() ?? 1, to: xs.max() ?? 2, range: (plot.left, plot.right))
            : ChartScale.linear(from: xStartsAtZero ? 0 : xs.filter(\.isFinite).min() ?? 0, to: xs.filter(\.isFinite).max() ?? 1, range: (plot.left, plot.right))
        let ys = series.flatMap { $0.points.flatMap { [$0.y, $0.high ?? $0.y] } }.filter(\.isFinite) + references.map(\.y)
        let yScale = yTop.map { ChartScale(kind: .linear, domain: (0, $0), range: (plot.bottom, plot.top)) }
            ?? ChartScale.linear(upTo: ys.max() ?? 1, range: (plot.bottom, plot.top))

        svg.text(title, x: Self.width / 2, y: 26, anchor: "middle", size: 15, weight: "bold", class: "title")
        drawAxes(&svg, xScale: xScale, yScale: yScale, plot: plot)
        for reference in references {
            let y = yScale.position(reference.y)
            svg.line(plot.left, y, plot.right, y, stroke: reference.color, width: 1.5, dash: "6 4", class: "reference")
            // At the left end: latency and errors are low at low concurrency, so the label hides nothing there.
            svg.text(reference.label, x: plot.left + 6, y: y - 5, size: 11, fill: reference.color, class: "reference-label")
        }
        for band in bands {
            let upper = band.points.map { (xScale.position($0.x), yScale.position(min($0.high, yScale.domain.high))) }
            let lower = band.points.reversed().map { (xScale.position($0.x), yScale.position(max($0.low, yScale.domain.low))) }
            svg.polygon(upper + lower, fill: band.color, opacity: 0.15, class: "band")
        }
        for marker in markers {
            let x = xScale.position(marker.x)
            svg.line(x, plot.top, x, plot.bottom, stroke: "#27ae60", width: 1.5, dash: "3 3", class: "marker")
            svg.text(marker.label, x: x + 4, y: plot.top + 12, size: 11, fill: "#1e8449", class: "marker-label")
        }
        // Every point and interval is known before any label is placed, so none is covered.
        var labels = LabelPlacement()
        for item in series { reserve(item, in: &labels, xScale: xScale, yScale: yScale, top: plot.top) }
        for item in series { draw(item, &svg, labels: &labels, xScale: xScale, yScale: yScale, top: plot.top) }
        drawLegend(&svg, left: plot.left, y: 50)
        return svg.document
    }

    private func drawAxes(_ svg: inout SVGWriter, xScale: ChartScale, yScale: ChartScale, plot: (left: Double, right: Double, top: Double, bottom: Double)) {
        for tick in yScale.ticks {
            let y = yScale.position(tick)
            svg.line(plot.left, y, plot.right, y, stroke: "#e5e5e5", class: "grid")
            svg.text(yFormat(tick), x: plot.left - 8, y: y + 4, anchor: "end", size: 11, fill: "#555555", class: "y-tick")
        }
        for tick in xScale.ticks {
            let x = xScale.position(tick)
            svg.line(x, plot.bottom, x, plot.bottom + 5, stroke: "#555555", class: "x-tick-mark")
            svg.text(xScale.kind == .log2 ? Self.integer(tick) : NumberFormatting.significant(tick), x: x, y: plot.bottom + 19, anchor: "middle", size: 11, fill: "#555555", class: "x-tick")
        }
        svg.line(plot.left, plot.bottom, plot.right, plot.bottom, stroke: "#555555", class: "x-axis")
        svg.line(plot.left, plot.top, plot.left, plot.bottom, stroke: "#555555", class: "y-axis")
        svg.text(xLabel, x: (plot.left + plot.right) / 2, y: Self.height - 14, anchor: "middle", size: 12, class: "x-label")
        svg.text(yLabel, x: 18, y: (plot.top + plot.bottom) / 2, anchor: "middle", size: 12, rotate: -90, class: "y-label")
    }

    /// Keeps `series`' points and intervals free of labels.
    private func reserve(_ series: Series, in labels: inout LabelPlacement, xScale: ChartScale, yScale: ChartScale, top: Double) {
        guard series.showsPoints else { return }
        func y(_ value: Double) -> Double { value.isFinite ? yScale.position(value) : top }
        for point in series.points {
            let x = xScale.position(point.x)
            let radius = max(pointRadius, 4)
            labels.reserve(left: x - radius, top: y(point.y) - radius, right: x + radius, bottom: y(point.y) + radius)
            if let low = point.low, let high = point.high, low.isFinite {
                labels.reserve(left: x - 4, top: y(high), right: x + 4, bottom: y(low))
            }
        }
    }

    private func draw(_ series: Series, _ svg: inout SVGWriter, labels: inout LabelPlacement, xScale: ChartScale, yScale: ChartScale, top: Double) {
        let points = series.points.sorted { $0.x < $1.x }
        // An infinite value (a percentile of failures) sits on the top edge, marked as off scale.
        func y(_ value: Double) -> Double { value.isFinite ? yScale.position(value) : top }
        if series.joined { svg.polyline(points.map { (xScale.position($0.x), y($0.y)) }, stroke: series.color, class: "series-line") }
        for point in points where series.showsPoints {
            let x = xScale.position(point.x)
            if let low = point.low, let high = point.high, low.isFinite {
                let highY = y(high)
                svg.line(x, y(low), x, highY, stroke: series.color, width: 1.5, class: "interval")
                svg.line(x - 4, y(low), x + 4, y(low), stroke: series.color, width: 1.5, class: "interval")
                svg.line(x - 4, highY, x + 4, highY, stroke: series.color, width: 1.5, class: "interval")
            }
            let offScale = !point.y.isFinite
            guard pointRadius > 0 || offScale else { continue }
            svg.circle(
                x, y(point.y), radius: offScale ? 4 : pointRadius, fill: offScale ? "#ffffff" : series.color, stroke: series.color,
                class: offScale ? "point off-scale" : "point", data: ["x": Self.integer(point.x), "series": series.name])
            if let label = point.label, let place = labels.place(label, besidePointAt: x, y(point.y), size: 10) {
                svg.text(label, x: place.x, y: place.y, anchor: place.anchor, size: 10, fill: "#777777", class: "point-label")
            }
        }
    }

    /// One row under the title, outside the plot, so it never hides a point.
    private func drawLegend(_ svg: inout SVGWriter, left: Double, y: Double) {
        let entries = series.map { ($0.name, $0.color, false) } + references.map { ($0.label, $0.color, true) }
        guard entries.count > 1 else { return }
        var x = left
        var y = y
        for entry in entries {
            // DejaVu Sans at 11 px averages about 6.3 px a character.
            let width = 24 + 6.3 * Double(entry.0.count) + 22
            if x + width > Self.width - Self.margin.right, x > left {
                x = left
                y += 15
            }
            if entry.2 {
                svg.line(x, y - 4, x + 18, y - 4, stroke: entry.1, width: 1.5, dash: "6 4", class: "legend-key")
            } else {
                svg.line(x, y - 4, x + 18, y - 4, stroke: entry.1, width: 2, class: "legend-key")
                svg.circle(x + 9, y - 4, radius: 3.5, fill: entry.1, class: "legend-key")
            }
            svg.text(entry.0, x: x + 24, y: y, size: 11, class: "legend-label")
            x += width
        }
    }

    private static func integer(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : NumberFormatting.significant(value)
    }
}
