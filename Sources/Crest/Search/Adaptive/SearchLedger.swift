import Foundation

/// What the adaptive search knows at a moment: every level measured, the most reliable result per
/// level, which levels were confirmed, rejected or measured twice, the bracket they make, and how
/// each stands as the answer. A value: the controller holds one and changes it only by recording
/// results and the conclusions it draws from them, so every rule here can be tested on its own.
struct SearchLedger {
    let budget: Budget
    /// The error rate of a confirmation: the chance of certifying a level that breaks the budget.
    let confirmationAlpha: Double
    /// Every result, in the order measured (failures pool over all of them).
    private(set) var measured: [LevelResult] = []
    /// The most reliable result per level: a confirmation replaces a screening.
    private(set) var known: [Int: LevelResult] = [:]
    /// Levels whose known result is a confirmation's.
    private(set) var confirmed: Set<Int> = []
    /// Levels that failed confirmation: never the answer.
    private(set) var rejected: Set<Int> = []
    /// Levels confirmed a second time: undecided only on errors, or borderline inside the limits.
    var remeasured: Set<Int> = []
    /// Levels whose confirmation ended borderline with point estimates inside the budget.
    var borderlineAnswers: [Int] = []
    /// The cap each level's latest confirmation was planned with: smaller than
    /// `LevelTest.confirmationCap` where the other levels' failure-free evidence settled the
    /// error ceiling first (`LevelTest.errorCeilingSettled`).
    var plannedCaps: [Int: Int] = [:]
    /// An earlier sweep found to measure as this one does (`PriorSweep`): its requests at its
    /// answer pool into that level's confirmation, and its failures into every error ceiling.
    var pooledPrior: PriorSweep?
    /// What the search said of the earlier sweep it started from, for the answer's explanation.
    var priorNote: String?
    /// Confirmations in a row that ended borderline and stepped the answer down.
    var borderlineInARow = 0
    /// The bracket's width (log of ceiling over floor) before each bracket probe.
    private(set) var bracketWidths: [Double] = []
    /// Whether the last bracket probe was feasible, raising the floor.
    private(set) var lastProbeRaisedFloor = true
    /// True when the total budget ended the ramp before a level broke the budget or throughput
    /// levelled off: the levels above were never measured.
    var rampCutShort = false

    init(budget: Budget, confirmationAlpha: Double) {
        self.budget = budget
        self.confirmationAlpha = confirmationAlpha
    }

    // MARK: - Recording

    /// Records a level's result. A screening does not displace a certified result, nor a
    /// confirmation's "likely", unless it found the level infeasible.
    mutating func record(_ result: LevelResult, mode: LevelTest.Mode) {
        measured.append(result)
        let concurrency = result.concurrency
        let settled = known[concurrency].map { $0.verdict.decision?.certainty == .certified || judge($0) == .likely } ?? false
        guard mode == .confirmation || !settled || !result.verdict.isFeasible else { return }
        known[concurrency] = result
        if mode == .confirmation { confirmed.insert(concurrency) } else { confirmed.remove(concurrency) }
    }

    /// Records a bracket probe's result and the bracket's width before it.
    mutating func recordBracketProbe(widthBefore: Double, raisedFloor: Bool) {
        bracketWidths.append(widthBefore)
        lastProbeRaisedFloor = raisedFloor
    }

    /// Takes back a level's confirmation, which stands as a measurement only: its test pooled
    /// evidence found afterwards not to bear on this endpoint (`PriorSweep`).
    mutating func withdrawConfirmation(of concurrency: Int) { confirmed.remove(concurrency) }

    /// Takes a level out of the running after its confirmation refuted it or left it borderline.
    mutating func reject(_ concurrency: Int) { rejected.insert(concurrency) }

    // MARK: - The bracket

    /// The lowest level known infeasible (or rejected by confirmation).
    var ceiling: Int? {
        known.values.filter { !$0.verdict.isFeasible }.map(\.concurrency).min().map { min($0, rejected.min() ?? .max) } ?? rejected.min()
    }

    /// The highest feasible level below the ceiling.
    var floor: Int? {
        let ceiling = ceiling ?? .max
        return known.values.filter { $0.verdict.isFeasible && $0.concurrency < ceiling }.map(\.concurrency).max()
    }

    /// True when the last two probes each shrank the bracket (in log terms) by less than half.
    var isStalled: Bool {
        guard bracketWidths.count >= 3 else { return false }
        let widths = Array(bracketWidths.suffix(3))
        return widths[1] > 0.5 * widths[0] && widths[2] > 0.5 * widths[1]
    }

    // MARK: - Judging answers

    /// Judges a level for the final answer: certified by its own confirmation; when its test left
    /// only the error ceiling open, certified or likely by the failures pooled over other levels
    /// too (`errorEvidence`); refuted when a test broke the budget. A screening that certified a
    /// level feasible is not an answer yet: an answer rests on a confirmation of its own, which
    /// measures it to the end (its statistics complete) and pools the screening's count.
    func judge(_ result: LevelResult?) -> AnswerJudgement? {
        guard let result, let decision = result.verdict.decision else { return nil }
        if decision.certainty == .certified {
            guard decision.isFeasible else { return .refuted }
            return confirmed.contains(result.concurrency) ? .certified : nil
        }
        // Only a full confirmation's "likely" counts: a screening's is weaker, and a confirmation cut
        // short by the total budget is too small to stand on its 85% bound.
        if decision.certainty == .likely { return decision.isFeasible && confirmed.contains(result.concurrency) && ranToTheCap(result) ? .likely : nil }
        // A confirmation's only: a screening that passes this way is still confirmed, so the answer
        // has its full statistics and the per-level table's verdict agrees with the answer's.
        if onlyErrorsUndecided(result), confirmed.contains(result.concurrency), let pooled = pooledErrorCeiling(at: result.concurrency) { return pooled }
        return .borderline(feasibleByPoint: decision.isFeasible)
    }

    /// The levels that can be the answer: certified, or likely by a full confirmation.
    var accepted: Set<Int> { Set(known.values.filter { judge($0)?.accepts == true }.map(\.concurrency)) }

    /// The best certified level, else the best likely one.
    func bestAccepted() -> Int? {
        for judgement in [AnswerJudgement.certified, .likely] {
            let accepted = known.values.filter { judge($0) == judgement }
            if let best = accepted.max(by: { $0.summary.transactionsPerMinute.value < $1.summary.transactionsPerMinute.value }) { return best.concurrency }
        }
        return nil
    }

    /// True when a level's test decided every latency constraint but left the error ceiling open.
    func onlyErrorsUndecided(_ result: LevelResult) -> Bool {
        guard let decision = result.verdict.decision else { return false }
        let pending = decision.constraints.filter { $0.outcome != .met }
        return !pending.isEmpty && pending.allSatisfy { if case .errorRate = $0.constraint { return true } else { return false } }
    }

    /// True when a level's test judged as many requests as a full confirmation of it holds.
    func ranToTheCap(_ result: LevelResult) -> Bool {
        (result.verdict.decision?.requests ?? 0) >= confirmationCap(at: result.concurrency)
    }

    /// The requests a full confirmation of `concurrency` holds: as planned, if one was.
    func confirmationCap(at concurrency: Int) -> Int {
        plannedCaps[concurrency] ?? LevelTest.confirmationCap(for: Level(concurrency: concurrency), budget: budget)
    }

    /// The failures the error ceiling of `concurrency` is judged on, from every level measured.
    func errorEvidence(for concurrency: Int) -> FailureEvidence {
        // Every finished request counts, warm-up and cool-down too: a failure is one whenever it happened.
        let levels = measured.map { FailureEvidence.Level(concurrency: $0.concurrency, failures: $0.summary.finishedFailures, requests: $0.summary.finishedRequests) }
            + (pooledPrior?.failureLevels ?? [])
        return FailureEvidence.pooled(for: concurrency, from: levels, ceiling: budget.maxErrorRate ?? 1)
    }

    /// The exceedances earlier runs of `concurrency` counted, per latency constraint in the
    /// budget's order, for a confirmation to pool with its own.
    func priorExceedances(at concurrency: Int) -> [(over: Int, judged: Int)] {
        let earlier = concurrency == pooledPrior?.answer ? pooledPrior?.exceedances(at: concurrency, budget: budget) : nil
        return budget.latency.enumerated().map { index, constraint in
            let start = earlier.map { $0[index] } ?? (over: 0, judged: 0)
            return measured.filter { $0.concurrency == concurrency }.compactMap(\.verdict.decision).reduce(start) { total, decision in
                guard let counted = decision.constraints.first(where: { $0.constraint == .latency(constraint) }) else { return total }
                return (total.over + counted.over, total.judged + counted.judged)
            }
        }
    }

    /// The error ceiling judged on the failures `errorEvidence` pools for `concurrency`: certified
    /// by the one-sided Clopper-Pearson test at the confirmation's error rate; likely at
    /// `LevelTest.likelyAlpha` once the pool holds at least 3/ceiling requests; nil when neither.
    /// (A 0.5% failure rate against a 1% ceiling takes about 2,500 requests to certify.)
    private func pooledErrorCeiling(at concurrency: Int) -> AnswerJudgement? {
        guard let ceiling = budget.maxErrorRate else { return .certified }
        let evidence = errorEvidence(for: concurrency)
        guard evidence.requests > 0 else { return nil }
        if errorRateTest(failures: evidence.failures, of: evidence.requests, ceiling: ceiling, alpha: confirmationAlpha) == .met { return .certified }
        guard ceiling > 0, Double(evidence.requests) >= 3 / ceiling else { return nil }
        return errorRateTest(failures: evidence.failures, of: evidence.requests, ceiling: ceiling, alpha: LevelTest.likelyAlpha) == .met ? .likely : nil
    }
}

/// How a level stands as the search's answer.
enum AnswerJudgement: Equatable {
    case certified
    /// A full confirmation without a certificate whose one-sided 85% bounds are inside every limit.
    case likely
    case refuted
    case borderline(feasibleByPoint: Bool)

    /// Certified and likely levels can be the answer.
    var accepts: Bool { self == .certified || self == .likely }
}
