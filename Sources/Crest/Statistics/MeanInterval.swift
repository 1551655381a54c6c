/// The mean of `values` (in the order they were observed) with a confidence interval by batch means.
///
/// Requests of a closed-loop level share batches on the server, so neighbouring latencies are
/// correlated and the i.i.d. standard error is too small. Batch means split the series into
/// `batches` consecutive groups and treat the group means as nearly independent (Law & Kelton,
/// Simulation Modeling and Analysis, §9.5.3); the interval is the t-interval on those means. With
/// fewer than two values per batch it falls back to the i.i.d. t-interval, and with one value or
/// none it gives no bounds.
public func meanInterval(_ values: [Double], confidence: Double, batches: Int = 10) -> Estimate? {
    guard !values.isEmpty else { return nil }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count >= 2 else { return Estimate(value: mean) }
    let groups: [Double]
    if values.count >= 2 * batches {
        // Equal batches; the few values left over are the oldest, nearest the warm-up, so they go.
        let size = values.count / batches
        let start = values.count - size * batches
        groups = (0..<batches).map { index in
            let slice = values[(start + index * size)..<(start + (index + 1) * size)]
            return slice.reduce(0, +) / Double(size)
        }
    } else {
        groups = values
    }
    let groupMean = groups.reduce(0, +) / Double(groups.count)
    let variance = groups.reduce(0) { $0 + ($1 - groupMean) * ($1 - groupMean) } / Double(groups.count - 1)
    let t = SpecialFunctions.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(groups.count - 1))
    let halfWidth = t * (variance / Double(groups.count)).squareRoot()
    return Estimate(value: mean, lower: mean - halfWidth, upper: mean + halfWidth)
}
