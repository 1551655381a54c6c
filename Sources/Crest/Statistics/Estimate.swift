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
}
