/// Confirmation: the answer must be certified (or likely, at a full confirmation); a refuted
/// candidate sends the search back to the bracket below it, a borderline one gives way to a level
/// with margin, and an accepted one may step up by one.
extension AdaptiveController {
    /// Where a candidate's confirmation leaves the search.
    enum ConfirmationStep {
        /// The candidate, or the level above it, is accepted.
        case answer(Int)
        /// Confirm this level next; nil to bracket and place the knee again first.
        case next(Int?)
    }

    /// Confirms `candidate` (unless it already stands accepted) and decides what follows.
    func confirmCandidate(_ candidate: Int) async throws -> ConfirmationStep {
        let known = ledger.known[candidate]
        let result = ledger.judge(known)?.accepts == true ? known! : try await confirm(candidate, reason: "confirm the answer")
        switch ledger.judge(result) ?? .borderline(feasibleByPoint: result.verdict.isFeasible) {
        case .certified, .likely:
            return .answer(try await stepUpIfWorthwhile(from: candidate))
        case .refuted:
            ledger.reject(candidate)
            ledger.borderlineInARow = 0
            return .next(nil)
        case .borderline(let feasibleByPoint):
            if feasibleByPoint { ledger.borderlineAnswers.append(candidate) }
            // Measure the same level once more (its earlier runs pool in) when it is undecided
            // only on errors, as a failure rate that does not depend on load is not cured by
            // less load; or when a full confirmation ended inside the limits by its point
            // estimates, where twice the requests can show it likely feasible, and a step down
            // would cost a confirmation too. (On the search benchmark when this came in: the
            // noisy twins lost 6.2 points of answers within 2% to noise instead of 13.8.)
            if ledger.onlyErrorsUndecided(result) || (feasibleByPoint && ledger.ranToTheCap(result)), !ledger.remeasured.contains(candidate) {
                ledger.remeasured.insert(candidate)
                return .next(candidate)
            }
            ledger.reject(candidate)
            ledger.borderlineInARow += 1
            // Never below a level already accepted under this one: it is the answer then.
            let accepted = ledger.known.values.filter { $0.concurrency < candidate && ledger.judge($0)?.accepts == true }.map(\.concurrency).max()
            var target = stepDown(from: candidate, result)
            // A third borderline confirmation in a row says the steps sized by the statistic's
            // noise are too small here (a tail that short screenings did not show): bisect, on a
            // log scale, down to the highest accepted level or one client.
            if ledger.borderlineInARow >= 3 {
                target = min(target, Int((Double(accepted ?? 1) * Double(candidate)).squareRoot().rounded(.down)))
            }
            // Nor, before that, below a level a screening found feasible beyond its noise (likely
            // or certified): with latency rising with load, the highest such level under the
            // candidate is the next one worth a confirmation, and a step past it would leave it
            // unexplained above the answer. (Where screenings keep passing what confirmations
            // refute, a tail they are too short to see, the bisection above goes first.)
            let screenedFeasible = ledger.borderlineInARow >= 3 ? nil : ledger.known.values.filter { level in
                guard level.concurrency < candidate, let decision = level.verdict.decision else { return false }
                return decision.isFeasible && decision.certainty != .borderline && !ledger.rejected.contains(level.concurrency)
            }.map(\.concurrency).max()
            return .next(max(target, accepted ?? 0, screenedFeasible ?? 0))
        }
    }

    /// Measures `concurrency` under a confirmation: at the session's confidence, within what the
    /// total budget has left, with the failures of other levels and this level's earlier
    /// exceedances pooled in.
    func confirm(_ concurrency: Int, reason: String) async throws -> LevelResult {
        let alpha = ledger.confirmationAlpha
        let errorEvidence = ledger.errorEvidence(for: concurrency)
        var test = LevelTest.confirmation(budget, level: Level(concurrency: concurrency), alpha: alpha, errorEvidence: errorEvidence)
        ledger.plannedCaps[concurrency] = test.looks.last!
        if let remaining = session.remainingRequests {
            // Plan within the total budget: the confirmation gets what is left after its warm-up.
            let affordable = max(remaining - Level(concurrency: concurrency).warmupCompletions, test.looks[0])
            if affordable < test.looks.last! {
                test = LevelTest(
                    budget: budget, mode: .confirmation, looks: LevelTest.doublingLooks(first: min(test.looks[0], affordable), cap: affordable),
                    alpha: alpha, requestsPerBlock: test.requestsPerBlock)
            }
        }
        test.errorEvidence = errorEvidence
        test.priorExceedances = ledger.priorExceedances(at: concurrency)
        return try await measure(
            concurrency, test: test, phase: .confirm, reason: reason,
            prediction: models.prediction(at: Double(concurrency), in: ledger.known, statistic: nil))
    }

    /// After certifying `answer`, tries the level just above it once, unless a test already settled
    /// it or it could not gain more than the plateau tolerance.
    private func stepUpIfWorthwhile(from answer: Int) async throws -> Int {
        let next = answer + 1
        guard next <= maxConcurrency, !session.isExhausted, !ledger.rejected.contains(next) else { return answer }
        if let settled = ledger.known[next], let decision = settled.verdict.decision, decision.certainty != .borderline {
            // Certified infeasible, or certified feasible by a confirmation: another would not
            // change the answer (a screening's certificate is confirmed below, as every answer is).
            // Likely infeasible by screening: not worth a confirmation either, unless one more
            // client adds a tenth or more to the throughput (at a handful of clients), where a
            // screening's few dozen requests are too little to give it up on.
            if decision.certainty == .certified, !decision.isFeasible { return answer }
            if ledger.judge(settled) == .certified { return next }
            if !decision.isFeasible, Double(next) / Double(answer) < 1.1 { return answer }
        }
        if let model = models.throughput(feasibleOnly: ledger.known),
            models.throughputValue(model, at: Double(next)) <= (1 + tolerance) * models.throughputValue(model, at: Double(answer))
        {
            return answer
        }
        let result = try await confirm(next, reason: "confirm that the next level up breaks the budget")
        return ledger.judge(result)?.accepts == true ? next : answer
    }

    /// A lower level with margin after a borderline confirmation at `level`. To certify, a level's
    /// statistic must sit about two interval half-widths under its limit, half-widths at the size
    /// of a full confirmation (a confirmation stopped early for futility had a wider one: scale it
    /// by √(n / cap)); step down by that share of the limit, plus any excess of the point estimate
    /// over the limit, divided by how fast the statistic grows with load (its elasticity), and by
    /// at least one level. Near the knee, where borderline answers happen, throughput changes
    /// little over such a step.
    private func stepDown(from level: Int, _ result: LevelResult) -> Int {
        let latency = result.verdict.checks.filter { if case .latency = $0.constraint { return true } else { return false } }
        let check = latency.max { $0.headroom > $1.headroom }
        var share = 0.06
        if let check, let upper = check.observed.upper, upper.isFinite, check.limit > 0 {
            let excess = max(0, check.observed.value - check.limit) / check.limit
            let judged = result.verdict.decision?.requests ?? result.summary.requests
            let cap = ledger.confirmationCap(at: level)
            let shrink = judged < cap ? (Double(judged) / Double(cap)).squareRoot() : 1
            share = max(0.03, excess + 2 * (upper - check.observed.value) * shrink / check.limit)
        }
        let elasticity = max(0.3, models.elasticity(near: level, in: ledger.known) ?? 1)
        // At most a quarter down per step: a wide interval (failures counted as over a percentile's
        // limit leave its upper bound at the slowest requests) would otherwise send one borderline
        // level straight to concurrency 1; a level still borderline after the step steps again.
        let target = Int((Double(level) * (1 - min(share / elasticity, 0.25))).rounded(.down))
        return max(1, min(target, level - 1))
    }
}
