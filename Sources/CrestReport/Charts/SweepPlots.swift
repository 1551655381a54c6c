import Crest
import Foundation

/// The plots of a sweep, drawn from what its report is computed from: latency against concurrency
/// for each metric measured (the budgeted statistic with its interval, the median, the budget
/// line, the recommended level, and the search steps that measured each level), throughput, and
/// the error rate against its ceiling.
public enum SweepPlots {
    /// Each plot as its file name under `plots/` and its SVG text. `runs` (every measurement, with
    /// its samples) give the per-request plots; without them only the per-level ones are drawn.
    public static func render(_ input: SweepReportInput, runs: [LevelRun] = []) -> [(name: String, svg: String)] {
        guard !input.levels.isEmpty else { return [] }
        var plots: [(String, String)] = []
        for metric in LatencyMetric.allCases {
            if let chart = latencyChart(metric, input) { plots.append(("latency-\(metric.rawValue).svg", chart.render())) }
        }
        plots.append(("throughput.svg", throughputChart(input).render()))
        plots.append(("throughput-tokens.svg", tokenThroughputChart(input).render()))
        plots.append(("errors.svg", errorChart(input).render()))
        let representative = RequestPlots.representativeRuns(runs)
        if let scatter = RequestPlots.tokensAgainstLatency(representative) { plots.append(("tokens-vs-latency.svg", scatter.render())) }
        for run in representative {
            let level = run.level.concurrency
            if let chart = RequestPlots.latencyDistribution(run) { plots.append(("level-\(level)-latency-cdf.svg", chart.render())) }
            if let chart = RequestPlots.timeline(run) { plots.append(("level-\(level)-timeline.svg", chart.render())) }
            if let chart = RequestPlots.inFlight(run) { plots.append(("level-\(level)-in-flight.svg", chart.render())) }
        }
        return plots
    }

    private static let budgetColor = "#1f77b4"
    private static let medianColor = "#999999"

    static func latencyChart(_ metric: LatencyMetric, _ input: SweepReportInput) -> Chart? {
        let distributions = input.levels.map { ($0, distribution(metric, $0.summary)) }
        guard distributions.contains(where: { $0.1 != nil }) else { return nil }
        let constraint = input.budget.latency.first { $0.metric == metric }
        let labels = stepLabels(input)
        // The budgeted statistic as the verdict read it (failures count as over budget); otherwise p95.
        let main = distributions.compactMap { level, summary -> Chart.Point? in
            let estimate: Estimate?
            if let constraint {
                estimate = level.verdict.checks.first { $0.constraint == .latency(constraint) }?.observed
            } else {
                estimate = summary?.p95
            }
            guard let estimate else { return nil }
            return Chart.Point(x: Double(level.concurrency), y: estimate.value, low: estimate.lower, high: estimate.upper, label: labels[level.concurrency])
        }
        let median = distributions.compactMap { level, summary in
            summary.map { Chart.Point(x: Double(level.concurrency), y: $0.p50.value) }
        }
        let statistic = constraint.map { "\($0.statistic)" } ?? "p95"
        let top = (main + median).flatMap { [$0.y, $0.high ?? 0] }.filter(\.isFinite).max() ?? 0
        let unit = max(top, constraint?.limitSeconds ?? 0) < 1 ? (scale: 1000.0, name: "ms") : (scale: 1.0, name: "s")
        func scaled(_ points: [Chart.Point]) -> [Chart.Point] {
            points.map { Chart.Point(x: $0.x, y: $0.y * unit.scale, low: $0.low.map { $0 * unit.scale }, high: $0.high.map { $0 * unit.scale }, label: $0.label) }
        }
        var chart = Chart(
            title: "\(title(metric)) against concurrency", xLabel: concurrencyLabel(input), yLabel: "\(metric.rawValue) (\(unit.name))",
            yFormat: { NumberFormatting.significant($0) })
        chart.series = [
            Chart.Series(name: "\(metric.rawValue) \(statistic) (95% interval)", color: budgetColor, points: scaled(main)),
            Chart.Series(name: "\(metric.rawValue) p50", color: medianColor, points: scaled(median)),
        ]
        if let constraint {
            chart.references = [Chart.Reference(y: constraint.limitSeconds * unit.scale, label: "budget \(constraint)")]
            if let fit = SweepCurves.latencyFit(constraint, to: input.levels) { addFit(fit, scale: unit.scale, to: &chart, over: input.levels) }
        }
        chart.markers = recommendationMarker(input)
        return chart
    }

    /// The fitted curve over the measured range, with its 95% prediction band where the model has one.
    private static func addFit(_ fit: CurveFit, scale: Double, to chart: inout Chart, over levels: [LevelResult]) {
        guard let low = levels.map(\.concurrency).min(), let high = levels.map(\.concurrency).max(), high > low else { return }
        let steps = 60
        let grid = (0...steps).map { step in
            // Even steps on a log scale: the concurrency axis is one when the levels span a factor of 8.
            Double(low) * pow(Double(high) / Double(low), Double(step) / Double(steps))
        }
        let curve = grid.map { Chart.Point(x: $0, y: fit.predict($0) * scale) }.filter { $0.y.isFinite }
        chart.series.append(Chart.Series(name: "fit: \(fit.model.rawValue)", color: "#8e44ad", points: curve, joined: true, showsPoints: false))
        let band = grid.compactMap { n in fit.predictionInterval(n, confidence: 0.95).map { (x: n, low: $0.lower * scale, high: $0.upper * scale) } }
        if band.count == grid.count { chart.bands = [Chart.Band(points: band, color: "#8e44ad")] }
    }

    static func throughputChart(_ input: SweepReportInput) -> Chart {
        let labels = stepLabels(input)
        var chart = Chart(
            title: "Throughput against concurrency", xLabel: concurrencyLabel(input), yLabel: "transactions per minute",
            yFormat: { NumberFormatting.significant($0) })
        chart.series = [Chart.Series(name: "transactions/min (95% interval)", color: budgetColor, points: input.levels.map { level in
            let estimate = level.summary.transactionsPerMinute
            return Chart.Point(x: Double(level.concurrency), y: estimate.value, low: estimate.lower, high: estimate.upper, label: labels[level.concurrency])
        })]
        chart.markers = recommendationMarker(input)
        // The search's throughput model over the feasible levels, and its knee.
        if let fit = SweepCurves.throughputFit(
            to: input.levels, budget: input.budget, thinkSeconds: input.manifest.dataset.workload?.sessions?.thinkSecondsPerRequest ?? 0),
           let low = input.levels.map(\.concurrency).min(), let high = input.levels.map(\.concurrency).max(), high > low {
            let curve = (0...60).map { step -> Chart.Point in
                let n = Double(low) * pow(Double(high) / Double(low), Double(step) / 60)
                return Chart.Point(x: n, y: fit.requestsPerSecond(n) * 60)
            }.filter { $0.y.isFinite }
            chart.series.append(Chart.Series(name: "fit: \(fit.model)", color: "#8e44ad", points: curve, showsPoints: false))
            if let knee = fit.knee, knee >= Double(low), knee <= Double(high) {
                chart.markers.append(Chart.Marker(x: knee, label: "knee ≈ \(Int(knee.rounded()))"))
            }
        }
        return chart
    }

    static func tokenThroughputChart(_ input: SweepReportInput) -> Chart {
        var chart = Chart(
            title: "Token throughput against concurrency", xLabel: concurrencyLabel(input), yLabel: "tokens per second",
            yFormat: { NumberFormatting.significant($0) })
        chart.series = [
            Chart.Series(name: "completion tokens/s", color: budgetColor, points: input.levels.map {
                Chart.Point(x: Double($0.concurrency), y: $0.summary.completionTokenThroughput)
            }),
            Chart.Series(name: "prompt tokens/s", color: "#ff7f0e", points: input.levels.map {
                Chart.Point(x: Double($0.concurrency), y: $0.summary.promptTokenThroughput)
            }),
        ]
        chart.markers = recommendationMarker(input)
        return chart
    }

    static func errorChart(_ input: SweepReportInput) -> Chart {
        var chart = Chart(
            title: "Error rate against concurrency", xLabel: concurrencyLabel(input), yLabel: "failed requests (%)",
            yFormat: { NumberFormatting.significant($0) })
        chart.series = [Chart.Series(name: "error rate (95% interval)", color: "#c0392b", points: input.levels.map { level in
            let rate = level.summary.errorRate
            return Chart.Point(x: Double(level.concurrency), y: rate.value * 100, low: rate.lower.map { $0 * 100 }, high: rate.upper.map { $0 * 100 })
        })]
        if let ceiling = input.budget.maxErrorRate {
            chart.references = [Chart.Reference(y: ceiling * 100, label: "ceiling \(NumberFormatting.significant(ceiling * 100))%", color: "#7f8c8d")]
        }
        chart.markers = recommendationMarker(input)
        return chart
    }

    private static func distribution(_ metric: LatencyMetric, _ summary: LevelSummary) -> DistributionSummary? {
        switch metric {
        case .e2e: return summary.latency
        case .ttft: return summary.ttft
        case .tpot: return summary.tpot
        case .itl: return summary.itl
        case .ttfa: return summary.ttfa
        }
    }

    /// The x axis: a session sweep's clients are users holding conversations.
    private static func concurrencyLabel(_ input: SweepReportInput) -> String {
        input.manifest.dataset.workload?.sessions == nil ? "concurrency (clients)" : "concurrency (users)"
    }

    private static func title(_ metric: LatencyMetric) -> String {
        switch metric {
        case .e2e: return "End-to-end latency"
        case .ttft: return "Time to first token"
        case .tpot: return "Time per output token"
        case .itl: return "Inter-token latency"
        case .ttfa: return "Time to first answer token"
        }
    }

    private static func recommendationMarker(_ input: SweepReportInput) -> [Chart.Marker] {
        guard let chosen = input.recommendation else { return [] }
        return [Chart.Marker(x: Double(chosen.concurrency), label: chosen.isFeasible ? "recommended \(chosen.concurrency)" : "closest \(chosen.concurrency)")]
    }

    /// The search steps that measured each level, in the order it visited them: "3·8".
    private static func stepLabels(_ input: SweepReportInput) -> [Int: String] {
        Dictionary(grouping: input.steps, by: \.concurrency).mapValues { $0.map { String($0.step) }.joined(separator: "·") }
    }
}
