/// recommendation.json: the sweep's answer in a stable, documented shape (DESIGN.md, "Results on disk").
public struct RecommendationRecord: Sendable, Equatable, Codable {
    public struct Statistic: Sendable, Equatable, Codable {
        public let constraint: String
        public let value: Double?
        public let lower: Double?
        public let upper: Double?
        public let limit: Double
        public let met: Bool
        public let headroom: Double?
    }

    public let feasible: Bool
    public let concurrency: Int
    public let transactionsPerMinute: Double
    public let transactionsPerMinuteLower: Double?
    public let transactionsPerMinuteUpper: Double?
    public let requestsPerSecond: Double
    /// The budgeted statistics at the recommended level, with their intervals.
    public let latency: [Statistic]
    public let bindingConstraint: String?
    /// The binding constraint's headroom: (limit − value) / limit.
    public let headroom: Double?
    public let budget: Budget
    /// The feasible level with the highest throughput, when it differs from the recommendation.
    public let highestThroughputConcurrency: Int?
    public let pricePerTransaction: Double?
    public let explanation: String

    public init(_ recommendation: Recommendation, budget: Budget, pricing: Pricing?) {
        let summary = recommendation.level.summary
        feasible = recommendation.isFeasible
        concurrency = recommendation.concurrency
        transactionsPerMinute = summary.transactionsPerMinute.value
        transactionsPerMinuteLower = finite(summary.transactionsPerMinute.lower)
        transactionsPerMinuteUpper = finite(summary.transactionsPerMinute.upper)
        requestsPerSecond = summary.requestsPerSecond
        latency = recommendation.level.verdict.checks.map { check in
            Statistic(
                constraint: check.constraint.description, value: finite(check.observed.value),
                lower: finite(check.observed.lower), upper: finite(check.observed.upper),
                limit: check.limit, met: check.isMet, headroom: finite(check.headroom))
        }
        bindingConstraint = recommendation.bindingConstraint?.constraint.description
        headroom = finite(recommendation.bindingConstraint?.headroom)
        self.budget = budget
        highestThroughputConcurrency = recommendation.highestThroughputConcurrency
        pricePerTransaction = finite(pricing?.pricePerTransaction(summary))
        explanation = recommendation.explanation
    }

    enum CodingKeys: String, CodingKey {
        case feasible, concurrency, latency, headroom, budget, explanation
        case transactionsPerMinute = "transactions_per_minute"
        case transactionsPerMinuteLower = "transactions_per_minute_lo"
        case transactionsPerMinuteUpper = "transactions_per_minute_hi"
        case requestsPerSecond = "requests_per_second"
        case bindingConstraint = "binding_constraint"
        case highestThroughputConcurrency = "highest_throughput_concurrency"
        case pricePerTransaction = "price_per_txn"
    }
}

/// JSON has no infinity: a statistic that is infinite (a percentile of failures, a price per
/// transaction at zero throughput) is written as null.
private func finite(_ value: Double?) -> Double? {
    value.flatMap { $0.isFinite ? $0 : nil }
}
