/// A statistic with its confidence interval. A missing bound means the data cannot bound it
/// (too few samples for the interval asked).
public struct Estimate: Sendable, Equatable, Codable {
    public let value: Double
    public let lower: Double?
    public let upper: Double?

    public init(value: Double, lower: Double? = nil, upper: Double? = nil) {
        self.value = value
        self.lower = lower
        self.upper = upper
    }

    /// The standard error behind a 95% interval; where a bound is missing or infinite, the value
    /// ± `share` stands in for it.
    func standardError(orShare share: Double) -> Double {
        let upper = upper.flatMap { $0.isFinite ? $0 : nil } ?? value * (1 + share)
        let lower = lower ?? value * (1 - share)
        return max(upper - lower, 0) / (2 * 1.96)
    }
}
