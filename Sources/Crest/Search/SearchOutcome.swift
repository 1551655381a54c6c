/// Why a search stopped.
public enum SearchStopReason: String, Sendable, Equatable, Codable {
    /// It found and confirmed its answer.
    case converged
    /// Even concurrency 1 breaks the budget.
    case noFeasibleLevel = "no_feasible_level"
    /// Every level up to the maximum concurrency meets the budget.
    case feasibleUpToLimit = "feasible_up_to_limit"
    /// The total request or time budget ran out before the answer was confirmed.
    case budgetExhausted = "budget_exhausted"
    /// Most requests of a level carried no answer (`UnusableResponses`): the search stopped there.
    case unusableResponses = "unusable_responses"
    /// A signal stopped the sweep before the search ended: its results are partial.
    case interrupted

    /// True when the search did not end by its own rules: its levels are measured, but no search
    /// chose among them, so there is no answer to give.
    public var endedEarly: Bool { self == .interrupted || self == .unusableResponses }
}

/// What a search found, and what it cost.
public struct SearchOutcome: Sendable, Equatable {
    public let strategy: String
    /// Every level measured, in the order measured (a level measured twice appears twice).
    public let levels: [LevelResult]
    public let recommendation: Recommendation?
    public let steps: [SearchStep]
    public let stopReason: SearchStopReason
    public let totals: SweepTotals

    public init(
        strategy: String, levels: [LevelResult], recommendation: Recommendation?, steps: [SearchStep], stopReason: SearchStopReason,
        totals: SweepTotals
    ) {
        self.strategy = strategy
        self.levels = levels
        self.recommendation = recommendation
        self.steps = steps
        self.stopReason = stopReason
        self.totals = totals
    }
}
