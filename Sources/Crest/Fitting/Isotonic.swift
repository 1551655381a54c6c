/// Isotonic regression by the pool-adjacent-violators algorithm (PAVA), and the fit it gives.
public enum Isotonic {
    /// The non-decreasing sequence closest to `values` in weighted least squares (values in order).
    public static func regression(_ values: [Double], weights: [Double]) -> [Double] {
        precondition(values.count == weights.count, "one weight per value")
        var blocks: [(value: Double, weight: Double, count: Int)] = []
        for (value, weight) in zip(values, weights) {
            blocks.append((value, weight, 1))
            while blocks.count > 1, blocks[blocks.count - 2].value > blocks[blocks.count - 1].value {
                let right = blocks.removeLast()
                let left = blocks.removeLast()
                let total = left.weight + right.weight
                blocks.append(((left.value * left.weight + right.value * right.weight) / total, total, left.count + right.count))
            }
        }
        return blocks.flatMap { Array(repeating: $0.value, count: $0.count) }
    }

    /// A monotone fit: PAVA over the points sorted by concurrency, interpolated linearly between
    /// them and extended along the last segment. No covariance: it only proposes, never extrapolates far.
    public static func fit(_ points: [CurvePoint]) -> CurveFit? {
        let sorted = points.sorted { $0.concurrency < $1.concurrency }
        guard !sorted.isEmpty else { return nil }
        let fitted = regression(sorted.map(\.value), weights: sorted.map(\.weight))
        let sse = zip(sorted, fitted).reduce(0) { $0 + $1.0.weight * ($1.0.value - $1.1) * ($1.0.value - $1.1) }
        return CurveFit(
            model: .isotonic, parameters: sorted.map(\.concurrency) + fitted, weightedSSE: sse, observations: sorted.count,
            parameterCount: Set(fitted).count, covariance: nil, residualVariance: 0)
    }

    /// Linear interpolation of an isotonic fit's parameters (levels, then values) at `n`.
    static func interpolate(_ parameters: [Double], at n: Double) -> Double {
        let count = parameters.count / 2
        let levels = Array(parameters[0..<count])
        let values = Array(parameters[count...])
        guard count > 1 else { return values.first ?? 0 }
        var segment = 0
        while segment < count - 2 && n > levels[segment + 1] { segment += 1 }
        let (x0, x1, y0, y1) = (levels[segment], levels[segment + 1], values[segment], values[segment + 1])
        guard x1 > x0 else { return y1 }
        let slope = max(0, (y1 - y0) / (x1 - x0))
        return y0 + slope * (n - x0)
    }
}
