/// The Clopper-Pearson ("exact") confidence interval for a proportion: `successes` out of `trials`.
///
/// Lower bound Beta⁻¹(α/2; k, n − k + 1), upper bound Beta⁻¹(1 − α/2; k + 1, n − k); 0 and 1 at the
/// edges (Clopper & Pearson, Biometrika 26, 1934). Conservative: covers at least `confidence`.
public func clopperPearson(successes k: Int, trials n: Int, confidence: Double) -> Estimate {
    precondition(n >= 0 && k >= 0 && k <= n, "clopperPearson needs 0 ≤ successes ≤ trials")
    guard n > 0 else { return Estimate(value: 0, lower: 0, upper: 1) }
    let alpha = 1 - confidence
    let lower = k == 0 ? 0 : SpecialFunctions.inverseRegularizedIncompleteBeta(
        a: Double(k), b: Double(n - k + 1), probability: alpha / 2)
    let upper = k == n ? 1 : SpecialFunctions.inverseRegularizedIncompleteBeta(
        a: Double(k + 1), b: Double(n - k), probability: 1 - alpha / 2)
    return Estimate(value: Double(k) / Double(n), lower: lower, upper: upper)
}

/// The one-sided Clopper-Pearson upper bound at 1 − α for a proportion: Beta⁻¹(1 − α; k + 1, n − k),
/// 1 when k = n. Correlated trials count as n / `designEffect` with k / `designEffect` successes.
public func clopperPearsonUpper(successes k: Int, trials n: Int, alpha: Double, designEffect: Double = 1) -> Double {
    precondition(n >= 0 && k >= 0 && k <= n, "clopperPearsonUpper needs 0 ≤ successes ≤ trials")
    guard n > 0, k < n else { return 1 }
    let effectiveK = Double(k) / designEffect
    return SpecialFunctions.inverseRegularizedIncompleteBeta(a: effectiveK + 1, b: Double(n) / designEffect - effectiveK, probability: 1 - alpha)
}
