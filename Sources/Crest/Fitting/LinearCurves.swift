/// Linear-in-parameters fits: a straight line, a hinge, and the continuous-batching model, each
/// solved by weighted least squares (for the bent models, once per candidate bend and keeping the best:
/// globally optimal without a nonlinear solver, ../research/algorithms.md §1.3).
public enum LinearCurves {
    /// y = a + b·N.
    public static func line(_ points: [CurvePoint]) -> CurveFit? {
        let design = points.map { [1, $0.concurrency] }
        guard let solution = weightedLeastSquares(design: design, observations: points.map(\.value), weights: points.map(\.weight)) else { return nil }
        return fit(.linear, solution, parameters: solution.coefficients, points: points, parameterCount: 2)
    }

    /// y = a + b·N + c·max(0, N − B) with c ≥ 0, B between the measured levels.
    public static func hinge(_ points: [CurvePoint]) -> CurveFit? {
        var best: CurveFit?
        for bend in candidateBends(points) {
            let design = points.map { [1, $0.concurrency, max(0, $0.concurrency - bend)] }
            guard let solution = weightedLeastSquares(design: design, observations: points.map(\.value), weights: points.map(\.weight)),
                solution.coefficients[2] >= 0
            else { continue }
            if best == nil || solution.weightedSSE < best!.weightedSSE {
                best = fit(.hinge, solution, parameters: solution.coefficients + [bend], points: points, parameterCount: 4)
            }
        }
        return best
    }

    /// Mean latency under continuous batching: R = θ₀ + θ₁·N for N ≤ B and N·(θ₀/B + θ₁) beyond,
    /// where throughput is flat at B/R(B). Rows [1, N] below B and [N/B, N] above.
    ///
    /// A cap must earn its extra parameter. Each point carries its own standard error, so −2·log
    /// likelihood is the weighted SSE and AIC = SSE_w + 2k; the capped fit (k = 3, B included) is kept
    /// when it lowers that by more than 2 against the uncapped line (k = 2, B = ∞). (AICc's small-sample
    /// term corrects for an estimated variance, which these fits do not have: with five levels it
    /// would charge the cap 24, more than any bend could show.) Without a cap the model stays linear
    /// beyond the data rather than assuming the plateau starts where the measurements stop.
    public static func continuousBatching(_ points: [CurvePoint]) -> CurveFit? {
        guard let uncapped = batchingFit(points, cap: .infinity) else { return nil }
        var capped: CurveFit?
        for cap in candidateBends(points) {
            guard let fit = batchingFit(points, cap: cap) else { continue }
            if capped == nil || fit.weightedSSE < capped!.weightedSSE { capped = fit }
        }
        guard let capped, capped.observations >= 4 else { return uncapped }
        return capped.weightedSSE + 6 < uncapped.weightedSSE + 4 - 2 ? capped : uncapped
    }

    private static func batchingFit(_ points: [CurvePoint], cap: Double) -> CurveFit? {
        let design = points.map { $0.concurrency <= cap ? [1.0, $0.concurrency] : [$0.concurrency / cap, $0.concurrency] }
        guard let solution = weightedLeastSquares(design: design, observations: points.map(\.value), weights: points.map(\.weight)),
            solution.coefficients.allSatisfy({ $0 >= 0 })
        else { return nil }
        return fit(.continuousBatching, solution, parameters: solution.coefficients + [cap], points: points, parameterCount: cap.isFinite ? 3 : 2)
    }

    /// Bends strictly inside the measured range on a grid fine enough for integer levels: every
    /// integer up to 64, then steps of 1/64 of the level (2% apart at most).
    static func candidateBends(_ points: [CurvePoint]) -> [Double] {
        let levels = points.map(\.concurrency).sorted()
        guard let low = levels.first, let high = levels.last, high > low else { return [] }
        var bends: [Double] = []
        var bend = low + 1
        while bend < high {
            bends.append(bend)
            bend += max(1, (bend / 64).rounded(.down))
        }
        return bends
    }

    private static func fit(_ model: CurveFit.Model, _ solution: LinearSolution, parameters: [Double], points: [CurvePoint], parameterCount: Int) -> CurveFit {
        let freedom = max(points.count - parameterCount, 1)
        let variance = solution.weightedSSE / Double(freedom)
        return CurveFit(
            model: model, parameters: parameters, weightedSSE: solution.weightedSSE, observations: points.count,
            parameterCount: parameterCount, covariance: solution.inverseNormal.map { $0.map { $0 * variance } },
            residualVariance: variance)
    }
}
