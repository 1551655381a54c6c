import Crest
import Foundation

/// One search of one profile with one seed by one strategy, scored against the ground truth.
struct Trial: Sendable {
    let profile: Int
    let strategy: String
    let answer: Int?
    let requests: Int
    let seconds: Double
    let levelsVisited: Int
    let feasible: Bool
    let withinThroughput: Bool
    let withinOneLevel: Bool
    let exact: Bool

    init(profile: Int, strategy: String, outcome: SearchOutcome, truth: GroundTruth) {
        self.profile = profile
        self.strategy = strategy
        let answer = outcome.recommendation.flatMap { $0.isFeasible ? $0.concurrency : nil }
        self.answer = answer
        requests = outcome.totals.requests
        seconds = outcome.totals.durationSeconds
        levelsVisited = Set(outcome.levels.map(\.concurrency)).count
        guard let target = truth.answer, let best = truth.bestFeasibleThroughput else {
            // No level is feasible in truth: only "no answer" is right.
            feasible = answer == nil
            withinThroughput = answer == nil
            withinOneLevel = answer == nil
            exact = answer == nil
            return
        }
        guard let answer, let level = truth.truth(at: answer) else {
            feasible = false
            withinThroughput = false
            withinOneLevel = false
            exact = false
            return
        }
        feasible = truth.isFeasible(level)
        withinThroughput = feasible && level.throughput >= (1 - GroundTruth.tolerance) * best
        withinOneLevel = abs(answer - target) <= 1
        exact = answer == target
    }
}

/// The benchmark's table: accuracy and cost per strategy, costs as ratios to a reference strategy.
struct Scoreboard {
    let trials: [Trial]

    struct Row {
        let strategy: String
        let count: Int
        let feasible: Double
        let withinThroughput: Double
        let withinOneLevel: Double
        let exact: Double
        let medianRequests: Double
        let p90Requests: Double
        let medianSeconds: Double
        let p90Seconds: Double
        let medianLevels: Double
    }

    func rows(where include: (Trial) -> Bool, order: [String]) -> [Row] {
        order.compactMap { strategy in
            let selected = trials.filter { $0.strategy == strategy && include($0) }
            guard !selected.isEmpty else { return nil }
            func share(_ predicate: (Trial) -> Bool) -> Double { Double(selected.count(where: predicate)) / Double(selected.count) }
            func percentile(_ p: Double, _ values: [Double]) -> Double { quantile(p, ofSorted: values.sorted(), method: .linear) ?? 0 }
            let requests = selected.map { Double($0.requests) }
            let seconds = selected.map(\.seconds)
            return Row(
                strategy: strategy, count: selected.count, feasible: share(\.feasible), withinThroughput: share(\.withinThroughput),
                withinOneLevel: share(\.withinOneLevel), exact: share(\.exact), medianRequests: percentile(0.5, requests),
                p90Requests: percentile(0.9, requests), medianSeconds: percentile(0.5, seconds), p90Seconds: percentile(0.9, seconds),
                medianLevels: percentile(0.5, selected.map { Double($0.levelsVisited) }))
        }
    }

    func table(title: String, where include: (Trial) -> Bool, order: [String], reference: String) -> String {
        let rows = rows(where: include, order: order)
        // Without the reference strategy (`--strategies crest`), ratios are to the first row.
        guard let base = rows.first(where: { $0.strategy == reference }) ?? rows.first else { return "" }
        var text = "\n\(title)\n\n"
        text += "| strategy | runs | truly within budget | within 2% of optimal throughput | within one level | exact | median requests | p90 requests | median sim. time | p90 sim. time | median levels |\n"
        text += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for row in rows {
            func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
            func ratio(_ value: Double, _ reference: Double) -> String { String(format: "%.0f (%.2f×)", value, reference > 0 ? value / reference : 0) }
            text += "| \(row.strategy) | \(row.count) | \(percent(row.feasible)) | \(percent(row.withinThroughput)) | \(percent(row.withinOneLevel)) | \(percent(row.exact)) | "
            text += "\(ratio(row.medianRequests, base.medianRequests)) | \(ratio(row.p90Requests, base.p90Requests)) | "
            text += "\(ratio(row.medianSeconds, base.medianSeconds)) s | \(ratio(row.p90Seconds, base.p90Seconds)) s | \(String(format: "%.0f", row.medianLevels)) |\n"
        }
        return text
    }
}
