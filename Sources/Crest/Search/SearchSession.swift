/// Measures levels on behalf of a search strategy: runs them through the measurer, judges them,
/// keeps every result, counts what the search spends against its limits, and logs each decision.
/// Strategies decide which level to try next; the session does everything else the same way for
/// all of them, so their costs compare fairly.
public final class SearchSession<M: Measurer> {
    public let measurer: M
    public let budget: Budget
    public let limits: SearchLimits
    public let confidence: Double
    /// The mean pause its clients take after a request (a session sweep's think time), which the
    /// throughput models count (`LevelCurves.thinkSeconds`).
    public let thinkSecondsPerRequest: Double
    /// Every level measured, in order.
    public private(set) var results: [LevelResult] = []
    public private(set) var steps: [SearchStep] = []
    public private(set) var totals = SweepTotals()
    /// The bracket strategies report: highest feasible and lowest infeasible level so far.
    public var feasibleBelow: Int?
    public var infeasibleAbove: Int?
    private let onLevel: (LevelRun, LevelResult, SearchStep) throws -> Void
    /// A resumed sweep's stored measurements, with their steps, given back in order in place of
    /// measuring; then the measurer picks up after them.
    private var replay: [(run: LevelRun, step: SearchStep)]
    private var replayed: [(run: LevelRun, rule: StopRule)] = []
    private let onReplay: (LevelRun, LevelResult, SearchStep) -> Void
    /// The journal of each step's samples while it is measured (see `SampleJournal`); nil for none.
    private let journal: (Int) -> (any SampleJournal)?

    /// - Parameters:
    ///   - replaying: the runs and steps of an interrupted sweep of the same plan, in step order:
    ///     the search asks for them again, deterministically, and gets them without a request sent.
    ///     `onReplay` is told of each; `onLevel` only of levels measured now.
    ///   - journal: where the requests of step N go as they finish, while it is measured.
    public init(
        measurer: M, budget: Budget, limits: SearchLimits, confidence: Double = 0.95, thinkSecondsPerRequest: Double = 0,
        replaying: [(run: LevelRun, step: SearchStep)] = [],
        onLevel: @escaping (LevelRun, LevelResult, SearchStep) throws -> Void = { _, _, _ in },
        onReplay: @escaping (LevelRun, LevelResult, SearchStep) -> Void = { _, _, _ in },
        journal: @escaping (Int) -> (any SampleJournal)? = { _ in nil }
    ) {
        self.journal = journal
        self.measurer = measurer
        self.budget = budget
        self.thinkSecondsPerRequest = thinkSecondsPerRequest
        self.limits = limits
        self.confidence = confidence
        self.onLevel = onLevel
        replay = replaying
        self.onReplay = onReplay
    }

    /// The next measurement of `concurrency` under `rule`: the stored one while replaying (it must
    /// be what the search asks for), else the measurer's, which first picks up after the replay.
    private func run(_ concurrency: Int, until rule: StopRule, stepNumber: Int) async throws -> (LevelRun, isReplayed: Bool) {
        if !replay.isEmpty {
            let stored = replay.removeFirst()
            guard stored.run.level.concurrency == concurrency, stored.step.test == StepTest(rule) else {
                throw ReplayDivergence(
                    step: stepNumber, stored: "level \(stored.run.level.concurrency), \(stored.step.test)", asked: "level \(concurrency), \(StepTest(rule))")
            }
            replayed.append((stored.run, rule))
            return (stored.run, true)
        }
        if !replayed.isEmpty {
            try await measurer.resume(after: replayed)
            replayed = []
        }
        return (try await measurer.measure(Level(concurrency: concurrency), until: rule, journal: journal(stepNumber)), false)
    }

    /// True once the total budget is spent.
    public var isExhausted: Bool {
        if let maxRequests = limits.maxRequests, totals.requests >= maxRequests { return true }
        if let maxSeconds = limits.maxSeconds, totals.durationSeconds >= maxSeconds { return true }
        return false
    }

    /// The requests left under the total budget, if there is one: `maxRequests` directly, and a time
    /// budget converted at the rate requests have been going so far.
    public var remainingRequests: Int? {
        var remaining = limits.maxRequests.map { max(0, $0 - totals.requests) }
        if let maxSeconds = limits.maxSeconds, totals.requests > 0, totals.durationSeconds > 0 {
            let perRequest = totals.durationSeconds / Double(totals.requests)
            let byTime = Int(max(0, maxSeconds - totals.durationSeconds) / perRequest)
            remaining = min(remaining ?? .max, byTime)
        }
        return remaining
    }

    /// Measures `concurrency` until `rule` says, and logs the step.
    /// - Throws: `UnusableResponses` after logging a level most of whose requests carried no
    ///   answer (the endpoint does not speak the API it was taken for), and what the measurer throws.
    @discardableResult
    public func measure(
        _ concurrency: Int, until rule: StopRule, phase: SearchPhase, reason: String, prediction: SearchStep.Prediction? = nil
    ) async throws -> LevelResult {
        // An interrupted sweep (Ctrl-C) stops before its next level; a live measurer also stops within one.
        try Task.checkCancellation()
        let (run, isReplayed) = try await self.run(concurrency, until: rule, stepNumber: steps.count + 1)
        let summary = LevelSummary(run, confidence: confidence)
        let result = LevelResult(summary: summary, verdict: budget.verdict(for: run, summary: summary, confidence: confidence))
        totals.add(run)
        results.append(result)
        let step = SearchStep(
            step: steps.count + 1, concurrency: concurrency, phase: phase, reason: reason, prediction: prediction,
            test: StepTest(rule), verdict: StepVerdict(result.verdict),
            transactionsPerMinute: summary.transactionsPerMinute.value, observed: ObservedStatistic.all(result.verdict),
            measuredRequests: summary.requests, requestsSent: run.samples.count + run.abandoned,
            cumulativeRequests: totals.requests, cumulativeSeconds: totals.durationSeconds,
            feasibleBelow: feasibleBelow, infeasibleAbove: infeasibleAbove)
        steps.append(step)
        if isReplayed { onReplay(run, result, step) } else { try onLevel(run, result, step) }
        if let unusable = UnusableResponses.check(run) { throw unusable }
        return result
    }

    /// Sets the bracket the next steps are chosen in (strategies call it after moving their
    /// bracket). A step records the bracket it was chosen in, as search.jsonl has it: each line is
    /// written as its level ends, before the search has moved the bracket on its result.
    public func recordBracket(feasibleBelow: Int?, infeasibleAbove: Int?) {
        self.feasibleBelow = feasibleBelow
        self.infeasibleAbove = infeasibleAbove
    }

    /// The outcome of the search so far.
    public func outcome(strategy: String, recommendation: Recommendation?, stopReason: SearchStopReason) -> SearchOutcome {
        SearchOutcome(strategy: strategy, levels: results, recommendation: recommendation, steps: steps, stopReason: stopReason, totals: totals)
    }
}

/// A way to search for the best level: Crest's adaptive controller, or one of the baselines it is
/// benchmarked against.
public protocol SearchStrategy: Sendable {
    var name: String { get }
    func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome
}
