/// The adaptive search while it runs: the order of its phases, and how it measures a level.
/// Each phase has a file of its own (AdaptiveController+Ramp, +Bracket, +Knee, +Confirmation,
/// +Answer); what the search knows between steps is in `ledger`.
final class AdaptiveController<M: Measurer> {
    let session: SearchSession<M>
    let tolerance: Double
    let strategy: String
    let models: LevelCurves
    var ledger: SearchLedger

    /// An earlier sweep to start from (`crest sweep --prior`).
    let prior: PriorSweep?

    init(session: SearchSession<M>, tolerance: Double, strategy: String, prior: PriorSweep? = nil) {
        self.session = session
        self.prior = prior
        self.tolerance = tolerance
        self.strategy = strategy
        models = LevelCurves(budget: session.budget, thinkSeconds: session.thinkSecondsPerRequest)
        // A confirmation's error rate is 1 − the session's confidence: the chance of certifying a
        // level that breaks the budget. (α = 10% certified 1.4 points more answers within 2% of the
        // optimum on the search benchmark: not worth weakening what "certified" means.)
        ledger = SearchLedger(budget: session.budget, confirmationAlpha: 1 - session.confidence)
    }

    var budget: Budget { session.budget }
    var maxConcurrency: Int { session.limits.maxConcurrency }

    func run() async throws -> SearchOutcome {
        if let prior, let outcome = try await warmStart(from: prior) { return outcome }
        var first = try await screen(1, phase: .calibrate, reason: "start from one client")
        // Even a screening that certified one client infeasible is confirmed: giving up on the
        // endpoint rests on two tests, not one at 5% (on the search benchmark, one noisy twin with
        // random failures gave up after 59 requests without the second).
        if !first.verdict.isFeasible {
            first = try await confirm(1, reason: "one client looked infeasible; confirm before giving up")
            // Give up only when the budget is shown broken, or stays broken by its point estimates.
            if ledger.judge(first) == .refuted || !first.verdict.isFeasible { return finish(answer: nil, reason: .noFeasibleLevel) }
        }
        var reachedLimit = try await ramp()
        // Confirm: the answer must be certified (or likely, at a full confirmation). A refuted
        // candidate sends the search back to the bracket below it; a borderline one gives way to a
        // level with margin. At most six confirmations.
        var next: Int?
        var rampsOn = false
        for _ in 0..<6 where !session.isExhausted {
            if next == nil {
                if rampsOn { reachedLimit = try await ramp() }
                rampsOn = false
                try await bracket()
                next = try await knee()
            }
            guard let candidate = next, candidate >= 1 else { break }
            switch try await confirmCandidate(candidate) {
            case .answer(let answer):
                // A confirmed step up past a level that screening had called infeasible reopens the
                // bracket above it: search on from there.
                // With no infeasible level left above it, ramp on from there.
                if answer > candidate, ledger.ceiling.map({ $0 > answer + 1 }) ?? !reachedLimit {
                    rampsOn = ledger.ceiling == nil
                    next = nil
                    continue
                }
                return finish(answer: answer, reason: reachedLimit && ledger.ceiling == nil ? .feasibleUpToLimit : .converged)
            case .next(let level):
                next = level
            }
        }
        if ledger.floor == nil && ledger.bestAccepted() == nil && ledger.borderlineAnswers.isEmpty { return finish(answer: nil, reason: .noFeasibleLevel) }
        if let accepted = ledger.bestAccepted() { return finish(answer: accepted, reason: .converged) }
        // Nothing certified or likely: of the levels whose confirmation ended inside the limits by
        // its point estimates (and whose later runs, if any, did not turn them over), the lowest,
        // which the steps down chose for its margin.
        let stillInside = ledger.borderlineAnswers.filter { ledger.known[$0]?.verdict.isFeasible == true }
        return finish(answer: stillInside.min() ?? bestScreened(), reason: session.isExhausted ? .budgetExhausted : .converged)
    }

    /// The floor of the bracket, as screened: the answer when nothing was confirmed.
    private func bestScreened() -> Int? {
        guard let floor = ledger.floor else { return nil }
        return ledger.known[floor]?.concurrency
    }

    /// True while the total budget leaves room to explore `level` and still confirm an answer:
    /// exploration stops early rather than leave no requests for the confirmation.
    func canExplore(_ level: Int) -> Bool {
        guard let remaining = session.remainingRequests else { return !session.isExhausted }
        let floor = ledger.floor ?? 1
        let reserve = LevelTest.confirmationCap(for: Level(concurrency: floor), budget: budget) / 2 + Level(concurrency: floor).warmupCompletions
        let exploring = 3 * LevelTest.screeningSize(for: Level(concurrency: level)) + Level(concurrency: level).warmupCompletions
        return remaining > reserve + exploring
    }

    // MARK: - Measuring

    func screen(_ concurrency: Int, phase: SearchPhase, reason: String, prediction: SearchStep.Prediction? = nil) async throws -> LevelResult {
        try await measure(concurrency, test: .screening(budget, level: Level(concurrency: concurrency)), phase: phase, reason: reason, prediction: prediction)
    }

    func measure(_ concurrency: Int, test: LevelTest, phase: SearchPhase, reason: String, prediction: SearchStep.Prediction?) async throws -> LevelResult {
        let result = try await session.measure(concurrency, until: .sequential(test), phase: phase, reason: reason, prediction: prediction)
        ledger.record(result, mode: test.mode)
        session.recordBracket(feasibleBelow: ledger.floor, infeasibleAbove: ledger.ceiling)
        return result
    }
}
