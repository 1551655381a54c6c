/// The outcome of a one-sided statistical test of a budget constraint.
public enum TestOutcome: String, Sendable, Equatable, Codable {
    /// The data show the constraint holds, at the test's error rate.
    case met
    /// The data show the constraint is broken, at the test's error rate.
    case broken
    /// Not enough data to say either at this error rate.
    case undecided
}

/// Tests a percentile budget "q_p ≤ limit" from exceedance counts, without assuming a distribution.
///
/// With n requests of which k exceeded the limit (failures count as exceeding), the number of
/// exceedances is Binomial(n, θ) where θ = P(latency > limit); the budget holds iff θ ≤ 1 − p.
/// - met: P(Bin(n, 1 − p) ≤ k) ≤ α, so so few exceedances would be unlikely if θ were 1 − p or more
///   (equivalently, the order-statistic upper bound of q_p is at or under the limit);
/// - broken: P(Bin(n, 1 − p) ≥ k) ≤ α.
/// With k = 0, `met` needs n ≥ ln α / ln p: 59 requests for p95 and 299 for p99 at α = 0.05
/// (../research/algorithms.md §2.2; Hahn & Meeker, Statistical Intervals).
/// Correlated requests are tested as an effective sample of n / `designEffect` requests with
/// k / `designEffect` over (see `DesignEffect`), through the beta form of the binomial tail,
/// which takes counts that are not whole; a design effect of 1 is the exact binomial test.
public func exceedanceTest(exceedances k: Int, of n: Int, percentile p: Double, alpha: Double, designEffect: Double = 1) -> TestOutcome {
    precondition(k >= 0 && k <= n, "exceedances lie in 0...n")
    guard n > 0 else { return .undecided }
    let allowed = 1 - p
    let effectiveN = Double(n) / designEffect
    let effectiveK = Double(k) / designEffect
    if SpecialFunctions.binomialCDF(effectiveK, trials: effectiveN, probability: allowed) <= alpha { return .met }
    if 1 - SpecialFunctions.binomialCDF(effectiveK - 1, trials: effectiveN, probability: allowed) <= alpha { return .broken }
    return .undecided
}

/// Tests an error-rate ceiling "θ ≤ max" with one-sided Clopper-Pearson bounds at 1 − α:
/// met when the upper bound is at or under the ceiling, broken when the lower bound is above it.
/// At a 1% ceiling and no failures, `met` needs 299 requests at α = 0.05. Correlated failures
/// (a stall that fails every request in a batch) count as n / `designEffect` requests with
/// k / `designEffect` failures.
public func errorRateTest(failures k: Int, of n: Int, ceiling: Double, alpha: Double, designEffect: Double = 1) -> TestOutcome {
    precondition(k >= 0 && k <= n, "failures lie in 0...n")
    guard n > 0 else { return .undecided }
    if clopperPearsonUpper(successes: k, trials: n, alpha: alpha, designEffect: designEffect) <= ceiling { return .met }
    let effectiveN = Double(n) / designEffect
    let effectiveK = Double(k) / designEffect
    let lower = k == 0 ? 0 : SpecialFunctions.inverseRegularizedIncompleteBeta(a: effectiveK, b: effectiveN - effectiveK + 1, probability: alpha)
    if lower > ceiling { return .broken }
    return .undecided
}

/// Tests a mean budget "mean ≤ limit" with the one-sided batch-means t-interval (see `meanInterval`),
/// batches of at least `valuesPerBatch` values in send order.
public func meanTest(_ values: [Double], limit: Double, alpha: Double, valuesPerBatch: Int = 1) -> TestOutcome {
    guard values.count >= 2, let interval = meanInterval(values, confidence: 1 - 2 * alpha, valuesPerBatch: valuesPerBatch),
        let lower = interval.lower, let upper = interval.upper
    else { return .undecided }
    if upper <= limit { return .met }
    if lower > limit { return .broken }
    return .undecided
}
