/// Why the recommendation is not a higher level.
public enum RecommendationLimit: Sendable, Equatable {
    /// The next level measured broke these constraints.
    case budget(nextConcurrency: Int, violations: [ConstraintCheck])
    /// Higher feasible levels add less than the plateau tolerance to throughput.
    case plateau(bestConcurrency: Int, gain: Double)
    /// The recommendation is the highest level tried: the endpoint may take more.
    case rangeEnd

    /// The level above that broke the budget, when that is the limit.
    public var nextConcurrency: Int? {
        if case .budget(let next, _) = self { return next }
        return nil
    }
}

/// The answer of a sweep: the level to run at, or, when none met the budget, the closest one and why.
public struct Recommendation: Sendable, Equatable {
    /// True when the level meets the budget.
    public let isFeasible: Bool
    /// The recommended level; when nothing is feasible, the level that came closest.
    public let level: LevelResult
    /// What stops a higher level (feasible recommendations only).
    public let limit: RecommendationLimit?
    /// The feasible level with the highest throughput.
    public let highestThroughputConcurrency: Int?
    /// One or two sentences for people.
    public let explanation: String

    /// A recommendation, as a search strategy makes one (strategies outside the library too: the
    /// search benchmark's peer strategies).
    public init(
        isFeasible: Bool, level: LevelResult, limit: RecommendationLimit?, highestThroughputConcurrency: Int?, explanation: String
    ) {
        self.isFeasible = isFeasible
        self.level = level
        self.limit = limit
        self.highestThroughputConcurrency = highestThroughputConcurrency
        self.explanation = explanation
    }

    public var concurrency: Int { level.concurrency }

    /// The same recommendation told in other words (a stored sweep's own explanation).
    public func explained(_ text: String) -> Recommendation {
        Recommendation(isFeasible: isFeasible, level: level, limit: limit, highestThroughputConcurrency: highestThroughputConcurrency, explanation: text)
    }

    /// The budget constraint with the least headroom at the recommended level.
    public var bindingConstraint: ConstraintCheck? {
        if case .budget(_, let violations) = limit, let first = violations.first {
            // The constraint the next level broke is the one that binds; report its check here.
            return level.verdict.checks.first { $0.constraint == first.constraint }
        }
        return level.verdict.tightest
    }
}
