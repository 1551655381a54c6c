/// How a sample quantile is read off sorted data.
public enum QuantileMethod: Sendable, Equatable {
    /// Linear interpolation between order statistics at h = (n − 1)·p (Hyndman & Fan type 7): the
    /// default of NumPy, pandas, R and Excel, so Crest's p95 matches what users compute from samples.
    case linear
    /// The smallest value with at least p of the data at or below it (Hyndman & Fan type 1).
    case nearestRank
}

/// A percentile such as p95 or p99.9, held as a fraction in (0, 1).
public struct Percentile: Sendable, Hashable, Codable, CustomStringConvertible {
    public let fraction: Double

    /// `percent` in (0, 100): `Percentile(95)` is p95.
    public init(_ percent: Double) {
        precondition(percent > 0 && percent < 100, "a percentile lies strictly between 0 and 100")
        fraction = percent / 100
    }

    /// "p95", "p99.9".
    public var description: String { "p" + NumberFormatting.significant(fraction * 100, digits: 6) }
}

/// The `p` quantile (0 ≤ p ≤ 1) of `sorted`, which must be in ascending order; nil when empty.
///
/// Infinite values are allowed (Crest counts failed requests as +∞ latency for budget checks); a
/// quantile that falls on them is +∞.
/// - Complexity: O(1).
public func quantile(_ p: Double, ofSorted sorted: [Double], method: QuantileMethod) -> Double? {
    precondition(p >= 0 && p <= 1, "a quantile's probability lies in [0, 1]")
    guard !sorted.isEmpty else { return nil }
    switch method {
    case .nearestRank:
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    case .linear:
        let h = Double(sorted.count - 1) * p
        let below = Int(h.rounded(.down))
        let fraction = h - Double(below)
        // Reading exactly on an order statistic avoids 0·∞ = NaN next to infinite values.
        if fraction == 0 || below + 1 >= sorted.count { return sorted[below] }
        let low = sorted[below]
        let high = sorted[below + 1]
        if high.isInfinite { return high }
        return low + fraction * (high - low)
    }
}

/// A distribution-free confidence interval for the `p` quantile of the population `sorted` was
/// drawn from, using order statistics: the number of observations below the true quantile is
/// Binomial(n, p), so [X₍ₗ₎, X₍ᵤ₎] covers it with probability P(l ≤ B < u) ≥ confidence
/// (Hahn & Meeker, Statistical Intervals, §5.2). Exact binomial tails up to n = 20,000; above that
/// the normal approximation, which is then accurate to well under one rank.
///
/// A bound is nil when n is too small to give it at this confidence (for example the upper bound of
/// p99 needs n ≥ 299 at 95%).
public func quantileInterval(_ p: Double, ofSorted sorted: [Double], confidence: Double) -> (lower: Double?, upper: Double?) {
    precondition(p > 0 && p < 1, "quantileInterval needs 0 < p < 1")
    let n = sorted.count
    guard n > 0 else { return (nil, nil) }
    let tail = (1 - confidence) / 2
    let lowerRank: Int
    let upperRank: Int
    if n > 20_000 {
        let z = SpecialFunctions.normalQuantile(1 - tail)
        let mean = Double(n) * p
        let spread = z * (mean * (1 - p)).squareRoot()
        lowerRank = Int((mean - spread).rounded(.down))
        upperRank = Int((mean + spread).rounded(.up)) + 1
    } else {
        // Largest l with P(B ≤ l − 1) ≤ tail.
        lowerRank = largest(in: 0...n) { SpecialFunctions.binomialCDF($0 - 1, trials: n, probability: p) <= tail }
        // Smallest u with P(B ≤ u − 1) ≥ 1 − tail.
        upperRank = smallest(in: 1...(n + 1)) { SpecialFunctions.binomialCDF($0 - 1, trials: n, probability: p) >= 1 - tail }
    }
    let lower = lowerRank >= 1 && lowerRank <= n ? sorted[lowerRank - 1] : nil
    let upper = upperRank >= 1 && upperRank <= n ? sorted[upperRank - 1] : nil
    return (lower, upper)
}

/// The largest value in `range` for which the monotone (true, then false) `predicate` holds.
private func largest(in range: ClosedRange<Int>, where predicate: (Int) -> Bool) -> Int {
    var low = range.lowerBound
    var high = range.upperBound
    while low < high {
        let middle = (low + high + 1) / 2
        if predicate(middle) { low = middle } else { high = middle - 1 }
    }
    return low
}

/// The smallest value in `range` for which the monotone (false, then true) `predicate` holds.
private func smallest(in range: ClosedRange<Int>, where predicate: (Int) -> Bool) -> Int {
    var low = range.lowerBound
    var high = range.upperBound
    while low < high {
        let middle = (low + high) / 2
        if predicate(middle) { high = middle } else { low = middle + 1 }
    }
    return low
}
