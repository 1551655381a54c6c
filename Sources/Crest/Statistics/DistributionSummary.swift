/// Mean and percentiles of one latency metric at one level, each with its confidence interval.
public struct DistributionSummary: Sendable, Equatable, Codable {
    public let count: Int
    public let mean: Estimate
    public let p50: Estimate
    public let p90: Estimate
    public let p95: Estimate
    public let p99: Estimate

    /// Summarises `values` (seconds, in the order the requests were sent); nil when empty.
    /// The mean's interval is by ten batch means (`meanInterval`), a description of the level
    /// that curve fits weigh points by; a budget's mean is judged and reported on batches of a
    /// cycle (`Budget.verdict`), which at a screening's two cycles leave one degree of freedom.
    /// Percentiles use `QuantileMethod.linear`; their intervals are order-statistic intervals.
    public init?(_ values: [Double], confidence: Double) {
        guard let mean = meanInterval(values, confidence: confidence) else { return nil }
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Estimate {
            let bounds = quantileInterval(p, ofSorted: sorted, confidence: confidence)
            return Estimate(value: quantile(p, ofSorted: sorted, method: .linear)!, lower: bounds.lower, upper: bounds.upper)
        }
        self.count = values.count
        self.mean = mean
        self.p50 = percentile(0.50)
        self.p90 = percentile(0.90)
        self.p95 = percentile(0.95)
        self.p99 = percentile(0.99)
    }

    /// Summarises values grouped by request (inter-token gaps), with intervals that count the
    /// request, not the value, as the independent unit (see `ClusteredValues`); nil when empty.
    public init?(clustered values: ClusteredValues, confidence: Double) {
        guard let mean = values.mean(confidence: confidence), let p50 = values.quantile(0.50, confidence: confidence),
              let p90 = values.quantile(0.90, confidence: confidence), let p95 = values.quantile(0.95, confidence: confidence),
              let p99 = values.quantile(0.99, confidence: confidence)
        else { return nil }
        count = values.count
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
    }
}
