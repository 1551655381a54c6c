/// Answers a budget from a stored sweep, without sending a request: which measured level it
/// recommends, whether the measured levels cover the question at all, and, where the budget's edge
/// falls between two measured levels, where the measured points cross it.
public struct BudgetAnswer: Sendable {
    /// Whether the levels measured can answer the budget.
    public enum Coverage: Sendable, Equatable {
        case answered
        /// The sweep stopped before it finished any level: there is nothing to judge.
        case nothingMeasured
        /// Even the lowest level measured breaks the budget.
        case tighterThanMeasured(lowest: Int)
        /// Even the highest level measured meets it: the endpoint may take more.
        case looserThanMeasured(highest: Int)
    }

    /// The budget's edge between two measured levels, read off the line joining them: where the
    /// point estimates cross the limit, and where the interval bounds do (nil where a bound is missing).
    public struct Crossing: Sendable, Equatable {
        public let from: Int
        public let to: Int
        public let constraint: Constraint
        public let estimate: Double
        public let low: Double?
        public let high: Double?
    }

    public let budget: Budget
    /// Every measurement judged under `budget`, in step order.
    public let results: [LevelResult]
    /// Each measured level judged under `budget` (its most informative measurement), by concurrency.
    public let levels: [LevelResult]
    public let recommendation: Recommendation?
    public let coverage: Coverage
    public let crossing: Crossing?
    /// True when the verdicts are the sweep's own sequential tests (the budget it ran with);
    /// false when they were computed afresh from the stored samples.
    public let usesTheSweepsTests: Bool
}

extension StoredSweep {
    /// Answers `budget` from the stored runs. Under the budget the sweep ran with, each level keeps
    /// its sequential test's verdict and the answer is the sweep's own; under another, each is
    /// judged afresh from its samples and the answer is the selection over them.
    public func answer(_ budget: Budget, confidence: Double = 0.95) -> BudgetAnswer {
        let same = budget == manifest.budget
        let results = runs.map { stored -> LevelResult in
            let run = same ? stored : stored.withoutDecision
            let summary = LevelSummary(run, confidence: confidence)
            return LevelResult(summary: summary, verdict: budget.verdict(for: run, summary: summary, confidence: confidence))
        }
        let levels = results.mostInformativePerLevel
        let selection = LevelSelection(plateauTolerance: manifest.settings.plateauTolerance)
        let ownAnswer = same ? manifest.recommendedConcurrency.flatMap { selection.recommendation(of: $0, from: levels) } : nil
        let recommendation = ownAnswer ?? selection.recommend(from: levels)
        let coverage: BudgetAnswer.Coverage
        if let lowest = levels.first, !levels.contains(where: \.verdict.isFeasible) {
            coverage = .tighterThanMeasured(lowest: lowest.concurrency)
        } else if levels.isEmpty {
            coverage = .nothingMeasured
        } else if let highest = levels.last, highest.verdict.isFeasible {
            coverage = .looserThanMeasured(highest: highest.concurrency)
        } else {
            coverage = .answered
        }
        return BudgetAnswer(
            budget: budget, results: results, levels: levels, recommendation: recommendation, coverage: coverage,
            crossing: recommendation.flatMap { Self.crossing(after: $0, in: levels) }, usesTheSweepsTests: same)
    }

    /// Where the line from the recommended level to the next measured one crosses the limit of the
    /// constraint that level breaks, when there is room between them.
    private static func crossing(after chosen: Recommendation, in levels: [LevelResult]) -> BudgetAnswer.Crossing? {
        guard chosen.isFeasible, case .budget(let next, let violations)? = chosen.limit, next > chosen.concurrency + 1,
              let broken = violations.first,
              let below = chosen.level.verdict.checks.first(where: { $0.constraint == broken.constraint })
        else { return nil }
        func cross(_ low: Double?, _ high: Double?) -> Double? {
            guard let low, let high, low.isFinite, high.isFinite, low < broken.limit, high >= broken.limit else { return nil }
            let share = (broken.limit - low) / (high - low)
            return Double(chosen.concurrency) + share * Double(next - chosen.concurrency)
        }
        guard let estimate = cross(below.observed.value, broken.observed.value) else { return nil }
        // The upper bounds cross first (the pessimistic reading), the lower bounds last.
        return BudgetAnswer.Crossing(
            from: chosen.concurrency, to: next, constraint: broken.constraint, estimate: estimate,
            low: cross(below.observed.upper, broken.observed.upper), high: cross(below.observed.lower, broken.observed.lower))
    }
}

extension StoredSweep {
    /// This sweep as the prior of a new search under `budget` (`PriorSweep`); nil when no level it
    /// measured meets that budget, leaving no answer to start from.
    public func prior(for budget: Budget, confidence: Double = 0.95) -> PriorSweep? {
        let answered = answer(budget, confidence: confidence)
        guard let recommendation = answered.recommendation, recommendation.isFeasible else { return nil }
        return PriorSweep(folder: folder, answer: recommendation.level.concurrency, limit: recommendation.limit, runs: runs, results: answered.results)
    }
}
