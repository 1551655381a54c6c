/// Runs a sweep: measures each level of the plan in turn, judges it against the budget, and
/// recommends a level.
public struct SweepRunner: Sendable {
    public let plan: SweepPlan

    public init(plan: SweepPlan) {
        self.plan = plan
    }

    /// Measures every level with `measurer`, calling `onLevel` after each so results reach disk as
    /// the sweep goes (a crash keeps every finished level).
    public func run(
        with measurer: some Measurer,
        onLevel: (LevelRun, LevelResult) throws -> Void
    ) async throws -> SweepOutcome {
        var results: [LevelResult] = []
        var totals = SweepTotals()
        for level in plan.levels {
            let run = try await measurer.measure(level, until: plan.length.stopRule(for: level))
            let summary = LevelSummary(run, confidence: plan.confidence)
            let result = LevelResult(summary: summary, verdict: plan.budget.verdict(for: run, summary: summary, confidence: plan.confidence))
            totals.add(run)
            results.append(result)
            try onLevel(run, result)
        }
        return SweepOutcome(levels: results, recommendation: plan.selection.recommend(from: results), totals: totals)
    }
}

/// What the whole sweep sent and how long it took.
public struct SweepTotals: Sendable, Equatable {
    public private(set) var requests = 0
    public private(set) var promptTokens = 0
    public private(set) var completionTokens = 0
    /// From the first level's start to the last level's end, in seconds.
    public private(set) var durationSeconds = 0.0
    private var firstStart: Int64?

    public init() {}

    mutating func add(_ run: LevelRun) {
        requests += run.samples.count
        for sample in run.samples where sample.outcome.isSuccess {
            promptTokens += sample.promptTokens
            completionTokens += sample.completionTokens
        }
        let start = firstStart ?? run.startedAt
        firstStart = start
        durationSeconds = Double(run.endedAt - start) / 1e9
    }
}

/// The result of a sweep.
public struct SweepOutcome: Sendable, Equatable {
    /// The measured levels in the order they ran.
    public let levels: [LevelResult]
    public let recommendation: Recommendation?
    public let totals: SweepTotals
}
