/// The point estimates of a resolved look, which a screening decides on where its test cannot,
/// and an undecided level takes its side from.
extension SequentialJudge {
    /// The look's point estimate over its limit: below 1 is inside the budget.
    func pointRatio(_ tracker: Tracker) -> Double {
        let n = lookSize
        switch tracker.constraint {
        case .errorRate(let ceiling):
            // A screening-sized sample says nothing about a 1% rate from its point estimate (one failure
            // in 32 reads as 3%): screening judges the ceiling only by its test, which catches a quota
            // or a failure cliff within a few dozen requests.
            if test.mode == .screening { return tracker.over >= tracker.brokenMin ? .infinity : 0 }
            let failures = (0..<n).count { samples[$0].map { !$0.outcome.isSuccess } ?? false }
            let rate = Double(failures) / Double(n)
            return ceiling > 0 ? rate / ceiling : (failures == 0 ? 0 : .infinity)
        case .latency(let constraint) where constraint.metric == .itl:
            let gaps = interTokenGaps(upTo: n)
            let statistic: Estimate?
            switch constraint.statistic {
            case .mean: statistic = gaps.mean(confidence: 0.5)
            case .percentile(let percentile): statistic = gaps.quantile(percentile.fraction, confidence: 0.5)
            }
            return (statistic?.value ?? .infinity) / constraint.limitSeconds
        case .latency(let constraint):
            let values = values(of: constraint, upTo: n)
            switch constraint.statistic {
            case .mean:
                let finite = values.filter(\.isFinite)
                return finite.isEmpty ? .infinity : finite.reduce(0, +) / Double(finite.count) / constraint.limitSeconds
            case .percentile(let percentile):
                // A sample too small for its percentile (under 1.5/(1 − p) requests: the p99 of 32 is
                // their maximum) would let one slow or failed request decide. Screen such a sample by
                // its exceedance count instead: "likely met" at a loose 20%, "likely broken" only at
                // 5%, since a false break caps the whole search while a false pass is caught later.
                let judged = n - tracker.excluded
                if test.mode == .screening, Double(judged) < 1.5 / (1 - percentile.fraction) {
                    let p = percentile.fraction
                    let effect = tracker.designEffect
                    if exceedanceTest(exceedances: tracker.over, of: judged, percentile: p, alpha: 0.05, designEffect: effect) == .broken { return .infinity }
                    return exceedanceTest(exceedances: tracker.over, of: judged, percentile: p, alpha: 0.2, designEffect: effect) == .met ? 0 : 1
                }
                return (quantile(percentile.fraction, ofSorted: values.sorted(), method: .linear) ?? .infinity) / constraint.limitSeconds
            }
        }
    }

    /// The metric's values over the first `n` requests (never ITL, judged pooled by
    /// `interTokenGaps(upTo:)`): +∞ for failures and for requests censored over the limit; a
    /// request without a value of its own (a one-token answer's TPOT) is left out, as the verdict
    /// leaves it out.
    func values(of constraint: LatencyConstraint, upTo n: Int) -> [Double] {
        (0..<n).compactMap { index in
            guard let sample = samples[index] else { return .infinity }
            return sample.budgetValue(of: constraint.metric)
        }
    }

    /// The inter-token gaps of the first `n` requests, one cluster each; a failure is one +∞ gap.
    func interTokenGaps(upTo n: Int) -> ClusteredValues {
        ClusteredValues((0..<n).map { index in
            guard let sample = samples[index], sample.outcome.isSuccess else { return [.infinity] }
            return sample.interTokenGapSeconds ?? []
        })
    }

    /// Every budgeted statistic over the measured requests finished so far, for a progress line
    /// (the test itself decides on looks, not on these). ITL is left out: it is pooled over every
    /// gap, and sorting them all once a second would stall the load generator's thread, where this
    /// runs; a level's requests are few enough to sort.
    func runningEstimates() -> [LevelProgress.Estimate] {
        let finished = samples.compactMap { $0 }
        guard !finished.isEmpty else { return [] }
        return trackers.compactMap { tracker in
            let value: Double?
            switch tracker.constraint {
            case .errorRate:
                value = Double(finished.count { !$0.outcome.isSuccess }) / Double(finished.count)
            case .latency(let constraint) where constraint.metric == .itl:
                value = nil
            case .latency(let constraint):
                let values = finished.compactMap { $0.budgetValue(of: constraint.metric) }
                switch constraint.statistic {
                case .mean:
                    let finite = values.filter(\.isFinite)
                    value = finite.isEmpty ? nil : finite.reduce(0, +) / Double(finite.count)
                case .percentile(let percentile): value = quantile(percentile.fraction, ofSorted: values.sorted(), method: .linear)
                }
            }
            return value.map { LevelProgress.Estimate(constraint: tracker.constraint, value: $0) }
        }
    }
}
