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
                folder: sweep.folder, label: "\(instance) · \(sweep.manifest.dataset.name)", instance: instance,
                dataset: sweep.manifest.dataset.name, pricing: sweep.manifest.target.pricing, answer: sweep.answer(budget))
        }
    }

    /// Per dataset, the entry whose recommended level meets the budget at the lowest price per transaction.
    public var bestPricePerformance: [String: Entry] {
        var best: [String: Entry] = [:]
        for entry in entries {
            guard let price = entry.pricePerTransaction else { continue }
            if let current = best[entry.dataset]?.pricePerTransaction, current <= price { continue }
            best[entry.dataset] = entry
        }
        return best
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
