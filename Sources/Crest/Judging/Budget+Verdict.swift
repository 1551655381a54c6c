extension Budget {
    /// Checks every constraint against the measured requests of `run`.
    ///
    /// - Percentiles are taken over all measured requests, failed ones counted as +∞ (a failed
    ///   request is over any latency budget); their intervals are order-statistic intervals.
    /// - Means are over successful requests only (failures would make them infinite); the
    ///   error-rate ceiling accounts for failures.
    /// - A level whose clients were held back (`LoadShortfall`) is infeasible.
    /// - ITL is over the pooled gaps between streamed chunks of the measured requests, a failed
    ///   request counting as one gap of +∞; its intervals count the request as the independent
    ///   unit (`ClusteredValues`). A level whose samples carry no gaps has no ITL and fails it.
    public func verdict(for run: LevelRun, summary: LevelSummary, confidence: Double) -> Verdict {
        let measured = run.measuredInSendOrder
        var checks = latency.map { constraint in
            ConstraintCheck(
                constraint: .latency(constraint),
                observed: Self.observe(constraint, measured, level: run.level, confidence: confidence),
                limit: constraint.limitSeconds)
        }
        if let maxErrorRate {
            checks.append(ConstraintCheck(constraint: .errorRate(max: maxErrorRate), observed: summary.errorRate, limit: maxErrorRate))
        }
        // A level whose clients were held back was not measured at its concurrency: its test's
        // verdict, if it passed, does not stand (the search must not take it for an answer).
        let shortfall = LoadShortfall(run)
        let decision = shortfall == nil ? run.decision : run.decision.map { $0.isFeasible ? $0.overruled : $0 }
        return Verdict(checks: checks, decision: decision, shortfall: shortfall)
    }

    /// True when a constraint needs inter-token gaps, which only streamed responses give.
    public var needsInterTokenGaps: Bool { latency.contains { $0.metric == .itl } }

    private static func observe(_ constraint: LatencyConstraint, _ measured: [Sample], level: Level, confidence: Double) -> Estimate {
        if constraint.metric == .itl {
            let gaps = ClusteredValues(measured.map { sample in
                sample.outcome.isSuccess ? sample.interTokenGapSeconds ?? [] : [.infinity]
            })
            switch constraint.statistic {
            case .mean: return gaps.mean(confidence: confidence) ?? Estimate(value: .infinity)
            case .percentile(let percentile): return gaps.quantile(percentile.fraction, confidence: confidence) ?? Estimate(value: .infinity)
            }
        }
        switch constraint.statistic {
        case .mean:
            let values = measured.compactMap { $0.budgetValue(of: constraint.metric) }.filter(\.isFinite)
            return meanInterval(values, confidence: confidence, valuesPerBatch: level.requestsPerBlock) ?? Estimate(value: .infinity)
        case .percentile(let percentile):
            let sorted = measured.compactMap { $0.budgetValue(of: constraint.metric) }.sorted()
            guard let point = quantile(percentile.fraction, ofSorted: sorted, method: .linear) else {
                return Estimate(value: .infinity)
            }
            let bounds = quantileInterval(percentile.fraction, ofSorted: sorted, confidence: confidence)
            return Estimate(value: point, lower: bounds.lower, upper: bounds.upper)
        }
    }
}
