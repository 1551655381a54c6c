/// MSER-5 steady-state detection (White 1997; Hoad, Robinson & Davies 2008): batch the series in
/// fives, and find the truncation d* that minimises the squared standard error of the remaining
/// batch means, MSER(d) = Σ_{j>d} (z_j − z̄_d)² / (m − d)², over d ≤ m/2.
public struct SteadyState: Sendable, Equatable {
    /// How many leading observations to drop (5·d*).
    public let truncation: Int
    /// False when d* lands near m/2: the series has not settled, and the level should run longer.
    public let isSteady: Bool

    /// Analyses `series` (values in the order they were observed).
    public init(_ series: [Double]) {
        let batchSize = 5
        let batches = series.count / batchSize
        guard batches >= 4 else {
            truncation = 0
            isSteady = true
            return
        }
        let means = (0..<batches).map { index in
            series[(index * batchSize)..<((index + 1) * batchSize)].reduce(0, +) / Double(batchSize)
        }
        var best = 0
        var bestValue = Double.infinity
        var suffixSum = means.reduce(0, +)
        var suffixSquares = means.reduce(0) { $0 + $1 * $1 }
        for d in 0...(batches / 2) {
            if d > 0 {
                suffixSum -= means[d - 1]
                suffixSquares -= means[d - 1] * means[d - 1]
            }
            let remaining = Double(batches - d)
            let mean = suffixSum / remaining
            let value = max(0, suffixSquares - remaining * mean * mean) / (remaining * remaining)
            if value < bestValue {
                bestValue = value
                best = d
            }
        }
        truncation = best * batchSize
        // A minimum in the last tenth of the allowed range means the transient has not ended.
        isSteady = Double(best) < 0.9 * Double(batches / 2)
    }
}
