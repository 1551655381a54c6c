import Crest

/// Turns a baseline's chosen level into a recommendation, the same way for every baseline.
enum BaselineAnswer {
    static func outcome<M: Measurer>(_ session: SearchSession<M>, strategy: String, chosen: Int?, rule: String) -> SearchOutcome {
        let results = session.results
        guard let chosen, let level = results.last(where: { $0.concurrency == chosen }) else {
            let closest = results.first
            let recommendation = closest.map {
                Recommendation(isFeasible: false, level: $0, limit: nil, highestThroughputConcurrency: nil, explanation: "\(strategy): no level passed.")
            }
            return session.outcome(strategy: strategy, recommendation: recommendation, stopReason: .noFeasibleLevel)
        }
        let recommendation = Recommendation(
            isFeasible: true, level: level, limit: nil, highestThroughputConcurrency: chosen,
            explanation: "\(strategy): concurrency \(chosen), \(rule).")
        return session.outcome(strategy: strategy, recommendation: recommendation, stopReason: session.isExhausted ? .budgetExhausted : .converged)
    }

    /// The latency statistic a stability rule compares: the budget's first, or mean e2e.
    static func stabilityStatistic(_ budget: Budget) -> LatencyConstraint {
        budget.latency.first ?? LatencyConstraint(metric: .e2e, statistic: .mean, limitSeconds: 1)
    }
}
