/// The mean of `values` (in the order they were observed) with a confidence interval by batch means.
///
/// Requests of a closed-loop level share batches on the server, so neighbouring latencies are
/// correlated and the i.i.d. standard error is too small. Batch means split the series into
/// consecutive groups and treat the group means as nearly independent (Law & Kelton, Simulation
/// Modeling and Analysis, §9.5.3); the interval is the t-interval on those means.
///
/// The groups: up to `batches` of them, each at least `valuesPerBatch` values (one cycle of the
/// level's clients, `Level.requestsPerBlock`: batches of a fifth of a cycle, as ten batches of a
/// two-cycle screening once were, put requests that ran together in different batches, and their
/// standard error was half the real spread). When the batch means are still correlated, their
/// lag-1 autocorrelation over its one-sided 95% bound for independent means, neighbouring batches
/// merge in pairs while eight or more remain. Fewer than two batches give no bounds; a series too
/// short for batches of two values (and `valuesPerBatch` of 1) takes each value as its own batch.
public func meanInterval(_ values: [Double], confidence: Double, valuesPerBatch: Int = 1, batches: Int = 10) -> Estimate? {
    guard !values.isEmpty else { return nil }
    let mean = values.reduce(0, +) / Double(values.count)
    let size = max(valuesPerBatch, values.count / batches, 1)
    let count = size == 1 ? values.count : min(batches, values.count / size)
    guard count >= 2 else { return Estimate(value: mean) }
    // Equal batches; the few values left over are the oldest, nearest the warm-up, so they go.
    let start = values.count - size * count
    var groups = (0..<count).map { index in
        values[(start + index * size)..<(start + (index + 1) * size)].reduce(0, +) / Double(size)
    }
    while groups.count >= 8, lagOneAutocorrelation(groups) > SpecialFunctions.normalQuantile(0.95) / Double(groups.count).squareRoot() {
        // Pairs from the newest back, dropping the oldest batch of an odd count.
        let pairs = groups.count / 2
        let offset = groups.count - 2 * pairs
        groups = (0..<pairs).map { (groups[offset + 2 * $0] + groups[offset + 2 * $0 + 1]) / 2 }
    }
    let groupMean = groups.reduce(0, +) / Double(groups.count)
    let variance = groups.reduce(0) { $0 + ($1 - groupMean) * ($1 - groupMean) } / Double(groups.count - 1)
    let t = SpecialFunctions.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(groups.count - 1))
    let halfWidth = t * (variance / Double(groups.count)).squareRoot()
    return Estimate(value: mean, lower: mean - halfWidth, upper: mean + halfWidth)
}

/// The lag-1 autocorrelation of a series; 0 when it does not vary.
func lagOneAutocorrelation(_ series: [Double]) -> Double {
    let mean = series.reduce(0, +) / Double(series.count)
    let variance = series.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    guard variance > 0 else { return 0 }
    return zip(series, series.dropFirst()).reduce(0) { $0 + ($1.0 - mean) * ($1.1 - mean) } / variance
}
