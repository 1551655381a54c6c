/// The answer: the recommendation for the level the search settled on, with what limits it and
/// how sure it is, told in words; or, when no level met the budget, the closest one.
extension AdaptiveController {
    /// - Parameter standing: what limits an earlier sweep's answer that stands (a warm start),
    ///   with the earlier sweep's measurements of levels not measured again: in place of what
    ///   this search's own levels say.
    func finish(answer: Int?, reason: SearchStopReason, standing: (limit: RecommendationLimit?, levels: [Int: LevelResult])? = nil) -> SearchOutcome {
        guard let answer, let chosen = ledger.known[answer] else {
            let closest = ledger.known.values.max { models.worstRatio($0) > models.worstRatio($1) }
            let recommendation = closest.map { level in
                Recommendation(
                    isFeasible: false, level: level, limit: nil, highestThroughputConcurrency: nil,
                    explanation: "No level met the budget. The closest was concurrency \(level.concurrency): "
                        + level.verdict.breaches.joined(separator: "; ") + "." + (ledger.priorNote.map { " " + $0 } ?? ""))
            }
            return session.outcome(strategy: strategy, recommendation: recommendation, stopReason: reason)
        }
        let feasible = ledger.known.values.filter(\.verdict.isFeasible)
        let best = feasible.max { $0.summary.transactionsPerMinute.value < $1.summary.transactionsPerMinute.value }
        let limit: RecommendationLimit
        if let standing, let earlier = standing.limit {
            limit = earlier
        } else if reason == .feasibleUpToLimit || (ledger.rampCutShort && ledger.ceiling == nil) {
            limit = .rangeEnd
        } else if answer == ledger.floor, let ceiling = ledger.ceiling, let above = ledger.known[ceiling] {
            limit = .budget(nextConcurrency: ceiling, violations: above.verdict.violations)
        } else {
            // On a plateau the gain above the answer is the throughput model's: measured best levels are noisy.
            let floor = ledger.floor ?? answer
            var gain = 0.0
            if let model = models.throughput(feasibleOnly: ledger.known) {
                let top = (answer...max(answer, floor)).map { models.throughputValue(model, at: Double($0)) }.max() ?? 0
                gain = top / max(models.throughputValue(model, at: Double(answer)), 1e-12) - 1
            }
            // A gain past the tolerance that the search did not take: the level above that would give
            // it failed its confirmation.
            if gain > tolerance, let next = ledger.rejected.filter({ $0 > answer }).min(), let above = ledger.known[next] {
                limit = .budget(nextConcurrency: next, violations: above.verdict.violations)
            } else {
                limit = .plateau(bestConcurrency: floor, gain: gain)
            }
        }
        let certainty = switch ledger.judge(chosen) {
        case .certified: "certified"
        case .likely: "likely: its one-sided 85% bounds are inside the limits, though not certified at 95%"
        default: "borderline: within its own noise of the limit"
        }
        let explanation = AnswerExplanation(
            answer: chosen, certainty: certainty, limit: limit, reason: reason,
            known: ledger.known.merging(standing?.levels ?? [:]) { measuredNow, _ in measuredNow }, rejected: ledger.rejected,
            tolerance: tolerance, maxConcurrency: maxConcurrency,
            accepted: ledger.accepted
        ).text + (ledger.priorNote.map { " " + $0 } ?? "")
        let recommendation = Recommendation(
            isFeasible: true, level: chosen, limit: limit, highestThroughputConcurrency: best?.concurrency, explanation: explanation)
        return session.outcome(strategy: strategy, recommendation: recommendation, stopReason: reason)
    }
}
