/// One measured point of a curve against concurrency: a statistic at a level, with its standard error.
public struct CurvePoint: Sendable, Equatable {
    public let concurrency: Double
    public let value: Double
    /// The standard error of `value`; weights are 1/(SE² + (1% of value)²), so no point dominates.
    public let standardError: Double

    public init(concurrency: Double, value: Double, standardError: Double) {
        self.concurrency = concurrency
        self.value = value
        self.standardError = standardError
    }

    var weight: Double {
        let floor = 0.01 * abs(value)
        return 1 / max(standardError * standardError + floor * floor, 1e-18)
    }
}
