import Crest
import Foundation

/// The comparison (study) report: the reference report's per-instance results table (dataset ×
/// target → recommendation sentence), price and performance per pair with the best choice per
/// dataset, capacity planning for a load, and overlaid plots.
public enum ComparisonReport {
    public static func markdown(_ comparison: Comparison, generatedAt: Date) -> String {
        var text = "# Comparison of \(comparison.entries.count) sweeps\n\n"
        text += "**Last modified (UTC): \(RunManifest.timestamp(generatedAt))**\n\n"
        text += "Every sweep is judged under one budget: `\(comparison.budget)`.\n\n"
        text += "## Per instance results\n\n"
        text += ReportProse.perInstanceResults + "\n\n"
        text += perInstanceTable(comparison).text + "\n"
        text += "## Price and performance\n\n" + priceTable(comparison).text + "\n"
        for (dataset, best) in comparison.bestPricePerformance.sorted(by: { $0.key < $1.key }) {
            text += "- Best price-performance for `\(dataset)`: `\(best.instance)` at concurrency \(best.answer.recommendation!.concurrency), $\(usd(best.pricePerTransaction! * 10_000)) per 10,000 transactions.\n"
        }
        let sensitivity = comparison.sensitivity
        if !sensitivity.isEmpty {
            text += "\n## Sensitivity to the load\n\n"
            text += "How much the answer moved when only the load changed (the dataset, or how its requests were shaped), each load against the first given for the instance:\n\n"
            text += sensitivity.map { "- \($0)\n" }.joined()
        }
        if let rpm = comparison.requestsPerMinute {
            text += "\n## Capacity for \(NumberFormatting.significant(rpm)) requests per minute\n\n" + capacityTable(comparison).text
            text += "\nInstances run at their recommended level; whole instances, rounded up.\n"
        }
        text += "\n## Sweeps\n\n" + comparison.entries.map { "- `\($0.label)`: `\($0.folder)`\n" }.joined()
        return text
    }

    public static func plots(_ comparison: Comparison) -> [(name: String, svg: String)] {
        let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
        var throughput = Chart(
            title: "Throughput against concurrency, each sweep", xLabel: "concurrency (clients)", yLabel: "transactions per minute",
            yFormat: { NumberFormatting.significant($0) })
        throughput.series = comparison.entries.enumerated().map { index, entry in
            Chart.Series(name: entry.label, color: palette[index % palette.count], points: entry.answer.levels.map {
                Chart.Point(x: Double($0.concurrency), y: $0.summary.transactionsPerMinute.value)
            })
        }
        var plots = [("compare-throughput.svg", throughput.render())]
        if let constraint = comparison.budget.latency.first {
            var latency = Chart(
                title: "\(constraint.statisticName) against concurrency, each sweep", xLabel: "concurrency (clients)",
                yLabel: "\(constraint.statisticName) (s)", yFormat: { NumberFormatting.significant($0) })
            latency.series = comparison.entries.enumerated().map { index, entry in
                Chart.Series(name: entry.label, color: palette[index % palette.count], points: entry.answer.levels.compactMap { level in
                    level.verdict.checks.first { $0.constraint == .latency(constraint) }.map { Chart.Point(x: Double(level.concurrency), y: $0.observed.value) }
                })
            }
            latency.references = [Chart.Reference(y: constraint.limitSeconds, label: "budget \(constraint)")]
            plots.append(("compare-latency.svg", latency.render()))

            // Price-performance: each pair's recommended level, its latency against its cost.
            var price = Chart(
                title: "Price-performance at each recommended level", xLabel: "\(constraint.statisticName) (s)",
                yLabel: "USD per 10,000 transactions", yFormat: { NumberFormatting.significant($0) })
            price.series = comparison.entries.enumerated().compactMap { index, entry in
                guard let cost = entry.pricePerTransaction, let chosen = entry.answer.recommendation,
                      let check = chosen.level.verdict.checks.first(where: { $0.constraint == .latency(constraint) }) else { return nil }
                return Chart.Series(
                    name: entry.label, color: palette[index % palette.count],
                    points: [Chart.Point(x: check.observed.value, y: cost * 10_000, label: "N=\(chosen.concurrency)")], joined: false)
            }
            price.xKind = .linear
            price.xStartsAtZero = true
            if !price.series.isEmpty { plots.append(("price-performance.svg", price.render())) }
        }
        return plots
    }

    public static func html(_ comparison: Comparison, plots: [(name: String, svg: String)], generatedAt: Date) -> String {
        HTMLRenderer.document(markdown: markdown(comparison, generatedAt: generatedAt), plots: plots, title: "Comparison of \(comparison.entries.count) sweeps")
    }

    private static func perInstanceTable(_ comparison: Comparison) -> MarkdownTable {
        MarkdownTable(header: ["Dataset", "Instance type", "Recommendation"], rows: comparison.entries.map { entry in
            ["`\(entry.dataset)`", "`\(entry.instance)`", sentence(entry, budget: comparison.budget)]
        })
    }

    private static func sentence(_ entry: Comparison.Entry, budget: Budget) -> String {
        guard let chosen = entry.answer.recommendation, chosen.isFeasible else {
            return "Did not find any concurrency level on a `\(entry.instance)` for the `\(entry.dataset)` dataset that stays within the budget `\(budget)`."
        }
        let level = chosen.level.summary
        return "The best option for staying within a latency budget of `\(budget)` on a `\(entry.instance)` for the `\(entry.dataset)` dataset is a `concurrency level of \(level.concurrency)`, with `\(Int(level.transactionsPerMinute.value.rounded())) transactions/minute` at an `average latency of \(Format.seconds(level.latency?.mean)) seconds`."
    }

    private static func priceTable(_ comparison: Comparison) -> MarkdownTable {
        let best = Set(comparison.bestPricePerformance.values.map(\.folder))
        var table = MarkdownTable(
            header: ["dataset", "instance", "concurrency", "transactions/min", "binding statistic", "price per txn", "USD per 10k txns"],
            rows: comparison.entries.map { entry in
                let chosen = entry.answer.recommendation
                let feasible = chosen?.isFeasible == true
                let binding = chosen?.bindingConstraint.map { "\($0.constraint.statisticName) = \(Format.statistic($0))" } ?? "–"
                let price = entry.pricePerTransaction
                return [
                    entry.dataset, entry.instance + (best.contains(entry.folder) ? " ◀ best" : ""),
                    feasible ? String(chosen!.concurrency) : "none", feasible ? Format.rate(chosen!.level.summary.transactionsPerMinute.value) : "–",
                    feasible ? binding : "–", price.map { "$" + NumberFormatting.significant($0, digits: 3) } ?? "–",
                    price.map { "$" + usd($0 * 10_000) } ?? "–",
                ]
            })
        table.rightAligned = [2, 3, 5, 6]
        return table
    }

    private static func capacityTable(_ comparison: Comparison) -> MarkdownTable {
        var table = MarkdownTable(header: ["dataset", "instance", "instances", "USD per hour"], rows: comparison.entries.map { entry in
            guard let capacity = comparison.capacity(entry) else { return [entry.dataset, entry.instance, "–", "–"] }
            return [entry.dataset, entry.instance, capacity.instances.map(String.init) ?? "hosted", "$" + usd(capacity.usdPerHour)]
        })
        table.rightAligned = [2, 3]
        return table
    }

    private static func usd(_ value: Double) -> String { NumberFormatting.significant(value, digits: 4) }
}
