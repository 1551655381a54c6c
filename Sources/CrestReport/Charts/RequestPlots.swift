import Crest

/// Plots of single requests: prompt size against latency for the whole sweep (the reference
/// report's tokens_vs_latency), and for each level its latency distribution and its course in time.
enum RequestPlots {
    /// At most this many points per scatter: a million-request sweep would make an unreadable,
    /// many-megabyte SVG. Points are taken at a fixed stride, so the same data gives the same plot.
    static let maximumPoints = 3000

    private static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// The run each level's statistics came from: the one with the most measured requests.
    static func representativeRuns(_ runs: [LevelRun]) -> [LevelRun] {
        // `measured` filters the samples each time it is read: count once per run.
        let counted = runs.map { (run: $0, measured: $0.measured.count) }
        return Dictionary(grouping: counted, by: \.run.level.concurrency).values
            .compactMap { $0.max { $0.measured < $1.measured }?.run }
            .sorted { $0.level < $1.level }
    }

    /// `runs`: one per level (see `representativeRuns`).
    static func tokensAgainstLatency(_ runs: [LevelRun]) -> Chart? {
        let levels = runs.map { (run: $0, succeeded: $0.measured.filter(\.outcome.isSuccess)) }
        let total = levels.reduce(0) { $0 + $1.succeeded.count }
        guard total > 0 else { return nil }
        let stride = max(1, (total + maximumPoints - 1) / maximumPoints)
        var chart = Chart(
            title: "Prompt size against end-to-end latency, each request, by concurrency N", xLabel: "prompt tokens", yLabel: "e2e latency (s)",
            yFormat: { NumberFormatting.significant($0) })
        var counter = 0
        chart.series = levels.enumerated().map { index, level in
            let (run, succeeded) = level
            let points = succeeded.compactMap { sample -> Chart.Point? in
                counter += 1
                return counter % stride == 0 ? Chart.Point(x: Double(sample.promptTokens), y: sample.latencySeconds) : nil
            }
            return Chart.Series(name: "N=\(run.level.concurrency)", color: palette[index % palette.count], points: points, joined: false)
        }
        chart.xKind = .linear
        chart.pointRadius = 2
        return chart
    }

    /// The level's end-to-end latencies as a cumulative distribution, with its percentiles marked.
    static func latencyDistribution(_ run: LevelRun) -> Chart? {
        let latencies = run.measured.filter(\.outcome.isSuccess).map(\.latencySeconds).sorted()
        guard latencies.count >= 2 else { return nil }
        let stride = max(1, latencies.count / maximumPoints)
        let points = Swift.stride(from: 0, to: latencies.count, by: stride).map { index in
            Chart.Point(x: latencies[index], y: 100 * Double(index + 1) / Double(latencies.count))
        }
        var chart = Chart(
            title: "Concurrency \(run.level.concurrency): end-to-end latency distribution", xLabel: "e2e latency (s)",
            yLabel: "requests at or under (%)", yFormat: { NumberFormatting.significant($0) })
        chart.series = [Chart.Series(name: "measured requests", color: palette[0], points: points)]
        chart.xKind = .linear
        chart.yTop = 100
        chart.pointRadius = 0
        chart.markers = [(0.5, "p50"), (0.95, "p95"), (0.99, "p99")].compactMap { share, name in
            quantile(share, ofSorted: latencies, method: .linear).map { Chart.Marker(x: $0, label: "\(name) \(NumberFormatting.significant($0, digits: 3)) s") }
        }
        return chart
    }

    /// The level's requests in time: each request's latency at the moment it was sent, by phase,
    /// with the measured window marked; the warm-up and any drift show here.
    static func timeline(_ run: LevelRun) -> Chart? {
        guard !run.samples.isEmpty else { return nil }
        let stride = max(1, run.samples.count / maximumPoints)
        func seconds(_ time: Int64) -> Double { Double(time - run.startedAt) / 1e9 }
        var chart = Chart(
            title: "Concurrency \(run.level.concurrency): each request's latency by when it was sent", xLabel: "time since the level started (s)",
            yLabel: "e2e latency (s)", yFormat: { NumberFormatting.significant($0) })
        let phases: [(Phase, String, String)] = [(.warmup, "warm-up", "#bbbbbb"), (.measured, "measured", palette[0]), (.cooldown, "cool-down", "#ff7f0e")]
        chart.series = phases.map { phase, name, color in
            let points = run.samples.enumerated().filter { $0.offset % stride == 0 && $0.element.phase == phase && $0.element.outcome.isSuccess }
                .map { Chart.Point(x: seconds($0.element.sentAt), y: $0.element.latencySeconds) }
            return Chart.Series(name: name, color: color, points: points, joined: false)
        }.filter { !$0.points.isEmpty }
        chart.xKind = .linear
        chart.pointRadius = 2
        chart.markers = [Chart.Marker(x: seconds(run.statisticsStart), label: "window opens"), Chart.Marker(x: seconds(run.windowEnd), label: "closes")]
        return chart
    }

    /// Requests in flight over the level, from every recorded request's send and end: the load the
    /// endpoint held, which should sit at the level's concurrency through the window. (After the
    /// window it falls: requests still running when the level ended are in no record.)
    static func inFlight(_ run: LevelRun) -> Chart? {
        guard !run.samples.isEmpty else { return nil }
        // A client's next request leaves at the instant its last one ends: changes at one time count together.
        var changes: [(time: Int64, delta: Int)] = []
        changes.reserveCapacity(2 * run.samples.count)
        for sample in run.samples {
            changes.append((sample.sentAt, 1))
            changes.append((sample.finishedAt, -1))
        }
        changes.sort { $0.time < $1.time }
        func seconds(_ time: Int64) -> Double { Double(time - run.startedAt) / 1e9 }
        var steps: [(time: Int64, count: Int)] = []
        var count = 0
        for (index, change) in changes.enumerated() {
            count += change.delta
            if index == changes.count - 1 || changes[index + 1].time != change.time { steps.append((change.time, count)) }
        }
        let stride = max(1, steps.count / maximumPoints)
        let points = steps.indices.filter { $0 % stride == 0 || $0 == steps.count - 1 }.map {
            Chart.Point(x: seconds(steps[$0].time), y: Double(steps[$0].count))
        }
        var chart = Chart(
            title: "Concurrency \(run.level.concurrency): requests in flight", xLabel: "time since the level started (s)",
            yLabel: "requests in flight", yFormat: { NumberFormatting.significant($0) })
        chart.series = [Chart.Series(name: "in flight", color: palette[0], points: points, showsPoints: false)]
        chart.xKind = .linear
        chart.references = [Chart.Reference(y: Double(run.level.concurrency), label: "concurrency \(run.level.concurrency)", color: "#7f8c8d")]
        chart.markers = [Chart.Marker(x: seconds(run.statisticsStart), label: "window opens"), Chart.Marker(x: seconds(run.windowEnd), label: "closes")]
        return chart
    }
}
