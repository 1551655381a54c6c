/// The result of a weighted least-squares fit y ≈ X·β.
struct LinearSolution {
    let coefficients: [Double]
    /// (XᵀWX)⁻¹: multiply by the residual variance for the coefficients' covariance.
    let inverseNormal: [[Double]]
    /// Σ wᵢ (yᵢ − ŷᵢ)².
    let weightedSSE: Double
}

/// Solves min Σ wᵢ (yᵢ − xᵢ·β)² through the normal equations (XᵀWX)β = XᵀWy; nil when the
/// design is rank-deficient.
func weightedLeastSquares(design: [[Double]], observations: [Double], weights: [Double]) -> LinearSolution? {
    let k = design.first?.count ?? 0
    guard k > 0, design.count >= k else { return nil }
    var normal = Array(repeating: Array(repeating: 0.0, count: k), count: k)
    var moment = [Double](repeating: 0, count: k)
    for (row, (y, w)) in zip(design, zip(observations, weights)) {
        for i in 0..<k {
            moment[i] += w * row[i] * y
            for j in 0..<k { normal[i][j] += w * row[i] * row[j] }
        }
    }
    guard let beta = SmallLinearAlgebra.solve(normal, moment), let inverse = SmallLinearAlgebra.inverse(normal) else { return nil }
    var sse = 0.0
    for (row, (y, w)) in zip(design, zip(observations, weights)) {
        let fitted = zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 }
        sse += w * (y - fitted) * (y - fitted)
    }
    return LinearSolution(coefficients: beta, inverseNormal: inverse, weightedSSE: sse)
}
