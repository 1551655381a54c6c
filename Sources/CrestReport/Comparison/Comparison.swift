import Crest
import Foundation

/// Several stored sweeps answered under one budget, side by side: a study's targets and datasets,
/// or folders from separate runs. What the comparison report and its plots are drawn from.
public struct Comparison: Sendable {
    public struct Entry: Sendable {
        public let folder: String
        /// The instance label and dataset name: "sim-a100-80g · en_1000-2000".
        public let label: String
        public let instance: String
        /// The dataset, and how its requests were shaped where they were: "en_1-500 [shared prefix 2000]".
        public let dataset: String
        public let pricing: Pricing?
        public let answer: BudgetAnswer

        /// The recommended level's price per transaction, when the level meets the budget and a price is known.
        public var pricePerTransaction: Double? {
            guard let chosen = answer.recommendation, chosen.isFeasible else { return nil }
            return pricing?.pricePerTransaction(chosen.level.summary)
        }
    }

    public let budget: Budget
    public let entries: [Entry]
    /// The load to plan capacity for, in requests per minute; nil for none.
    public let requestsPerMinute: Double?

    public init(_ sweeps: [StoredSweep], budget: Budget, requestsPerMinute: Double?) {
        self.budget = budget
        self.requestsPerMinute = requestsPerMinute
        entries = sweeps.map { sweep in
            let instance = sweep.manifest.target.instanceLabel
            return Entry(
                folder: sweep.folder, label: "\(instance) · \(sweep.manifest.dataset.load)", instance: instance,
                dataset: sweep.manifest.dataset.load, pricing: sweep.manifest.target.pricing, answer: sweep.answer(budget))
        }
    }

    /// Per dataset swept on more than one instance, the entry whose recommended level meets the
    /// budget at the lowest price per transaction (a dataset swept once has no choice to make).
    public var bestPricePerformance: [String: Entry] {
        var best: [String: Entry] = [:]
        var priced: [String: Int] = [:]
        for entry in entries {
            guard let price = entry.pricePerTransaction else { continue }
            priced[entry.dataset, default: 0] += 1
            if let current = best[entry.dataset]?.pricePerTransaction, current <= price { continue }
            best[entry.dataset] = entry
        }
        return best.filter { priced[$0.key, default: 0] > 1 }
    }

    /// How much the answer moved with the load: for each instance swept with more than one load
    /// (datasets, or one dataset's requests shaped differently), each load's answer against the
    /// first one's, as ratios of the recommended concurrency and its throughput. Empty when no
    /// instance has two loads.
    public var sensitivity: [String] {
        var lines: [String] = []
        let instances = entries.map(\.instance).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for instance in instances {
            let swept = entries.filter { $0.instance == instance }
            guard Set(swept.map(\.dataset)).count > 1, let baseline = swept.first else { continue }
            guard let base = baseline.answer.recommendation, base.isFeasible else {
                lines.append("`\(instance)`: `\(baseline.dataset)` has no level within the budget to compare the other loads with.")
                continue
            }
            let baseRate = base.level.summary.transactionsPerMinute.value
            var line = "`\(instance)`: against `\(baseline.dataset)` (concurrency \(base.concurrency), \(Self.rate(baseRate)) transactions/minute), "
            line += swept.dropFirst().map { entry in
                guard let chosen = entry.answer.recommendation, chosen.isFeasible else { return "`\(entry.dataset)` has no level within the budget" }
                let rate = chosen.level.summary.transactionsPerMinute.value
                return "`\(entry.dataset)` answers concurrency \(chosen.concurrency) (\(Self.ratio(Double(chosen.concurrency), Double(base.concurrency)))) "
                    + "at \(Self.rate(rate)) transactions/minute (\(Self.ratio(rate, baseRate)))"
            }.joined(separator: "; ")
            lines.append(line + ".")
        }
        return lines
    }

    private static func rate(_ value: Double) -> String { NumberFormatting.significant(value, digits: 4) }

    private static func ratio(_ value: Double, _ base: Double) -> String {
        base > 0 ? "×" + NumberFormatting.significant(value / base, digits: 2) : "–"
    }

    /// How many instances of an entry's target serve `requestsPerMinute` within the budget, and at
    /// what hourly cost: instances are whole, each run at the recommended level. For token pricing,
    /// the cost of the traffic itself and no instance count.
    public func capacity(_ entry: Entry) -> (instances: Int?, usdPerHour: Double)? {
        guard let rpm = requestsPerMinute, let chosen = entry.answer.recommendation, chosen.isFeasible, let pricing = entry.pricing else { return nil }
        let tpm = chosen.level.summary.transactionsPerMinute.value
        switch pricing {
        case .hourly(let usdPerHour, let perEndpoint):
            guard tpm > 0 else { return nil }
            let endpoints = Int((rpm / tpm).rounded(.up))
            return (endpoints * perEndpoint, Double(endpoints * perEndpoint) * usdPerHour)
        case .perToken:
            guard let price = pricing.pricePerTransaction(chosen.level.summary) else { return nil }
            return (nil, rpm * 60 * price)
        }
    }
}
