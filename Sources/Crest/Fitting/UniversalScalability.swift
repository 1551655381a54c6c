import Foundation

/// Fits the Universal Scalability Law X(N) = λN / (1 + σ(N − 1) + κN(N − 1)) to throughput by
/// Levenberg-Marquardt (../research/algorithms.md §1.2, §1.4).
///
/// Bounds are kept by reparametrising: λ = eᵘ, κ = softplus(v), σ = −0.05 + 1.05·logistic(w), so σ
/// may go slightly negative (LLM curves can be superlinear at low N). Starting values come from
/// Gunther's linearisation, plus three deterministic perturbations; the best fit wins.
public enum UniversalScalability {
    public static func fit(_ points: [CurvePoint]) -> CurveFit? {
        guard points.count >= 3, let first = points.min(by: { $0.concurrency < $1.concurrency }), first.value > 0 else { return nil }
        let lambda0 = first.value / first.concurrency
        let (sigma0, kappa0) = linearisedStart(points, lambda: lambda0)
        var best: (parameters: [Double], sse: Double)?
        for (sigmaScale, kappaScale) in [(1.0, 1.0), (0.5, 2.0), (2.0, 0.5), (1.0, 10.0)] {
            let start = [log(lambda0), inverseSoftplus(max(kappa0 * kappaScale, 1e-7)), inverseLogistic((sigma0 * sigmaScale + 0.05) / 1.05)]
            if let result = levenbergMarquardt(start: start, points: points), result.sse < best?.sse ?? .infinity {
                best = result
            }
        }
        guard let best else { return nil }
        let natural = naturalParameters(best.parameters)
        // A slightly negative σ (superlinear at low load) with a small κ makes the denominator
        // reach zero at some higher load: throughput infinite, then negative. Such a curve says
        // nothing about the levels it would be read at; the caller falls back to another model.
        guard denominatorStaysPositive(sigma: natural[1], kappa: natural[2]) else { return nil }
        return CurveFit(
            model: .universalScalability, parameters: natural, weightedSSE: best.sse, observations: points.count,
            parameterCount: 3, covariance: nil, residualVariance: best.sse / Double(max(points.count - 3, 1)))
    }

    /// True when 1 + σ(N − 1) + κN(N − 1) > 0 for every N ≥ 1: always for σ ≥ 0; for σ < 0, when
    /// the quadratic's minimum over N ≥ 1 is above zero.
    static func denominatorStaysPositive(sigma: Double, kappa: Double) -> Bool {
        guard sigma < 0 else { return true }
        guard kappa > 0 else { return false }
        // κN² + (σ − κ)N + (1 − σ), least at N* = (κ − σ) / 2κ.
        let lowest = max(1, (kappa - sigma) / (2 * kappa))
        return 1 + sigma * (lowest - 1) + kappa * lowest * (lowest - 1) > 0
    }

    /// Gunther: with C = X/X(1)-like and x = N − 1, y = N/C − 1 = (σ + κ)x + κx², OLS through the origin.
    private static func linearisedStart(_ points: [CurvePoint], lambda: Double) -> (sigma: Double, kappa: Double) {
        var sxx = 0.0, sxx2 = 0.0, sx2x2 = 0.0, sxy = 0.0, sx2y = 0.0
        for point in points where point.concurrency > 1 && point.value > 0 {
            let x = point.concurrency - 1
            let y = point.concurrency / (point.value / lambda) - 1
            sxx += x * x
            sxx2 += x * x * x
            sx2x2 += x * x * x * x
            sxy += x * y
            sx2y += x * x * y
        }
        let determinant = sxx * sx2x2 - sxx2 * sxx2
        guard abs(determinant) > 1e-12 else { return (0.01, 1e-4) }
        let a = (sxy * sx2x2 - sx2y * sxx2) / determinant
        let kappa = max((sxx * sx2y - sxx2 * sxy) / determinant, 1e-6)
        return (min(max(a - kappa, -0.04), 0.95), kappa)
    }

    private static func naturalParameters(_ u: [Double]) -> [Double] {
        [exp(u[0]), -0.05 + 1.05 * logistic(u[2]), softplus(u[1])]
    }

    private static func residuals(_ u: [Double], _ points: [CurvePoint]) -> [Double] {
        let p = naturalParameters(u)
        return points.map { point in
            let n = point.concurrency
            let model = p[0] * n / (1 + p[1] * (n - 1) + p[2] * n * (n - 1))
            return (point.value - model) * point.weight.squareRoot()
        }
    }

    /// Minimises Σ rᵢ² by solving (JᵀJ + μ·diag(JᵀJ))δ = Jᵀr, with μ ×10 on a rejected step and ÷10 on an accepted one.
    private static func levenbergMarquardt(start: [Double], points: [CurvePoint]) -> (parameters: [Double], sse: Double)? {
        var u = start
        var r = residuals(u, points)
        var sse = r.reduce(0) { $0 + $1 * $1 }
        var mu = 1e-3
        for _ in 0..<200 {
            // Forward-difference Jacobian of the model (the negative of the residuals').
            var jacobian = Array(repeating: [Double](repeating: 0, count: 3), count: points.count)
            for j in 0..<3 {
                var shifted = u
                let step = 1e-6 * max(1, abs(u[j]))
                shifted[j] += step
                let moved = residuals(shifted, points)
                for i in points.indices { jacobian[i][j] = (r[i] - moved[i]) / step }
            }
            var normal = Array(repeating: [Double](repeating: 0, count: 3), count: 3)
            var gradient = [Double](repeating: 0, count: 3)
            for i in points.indices {
                for a in 0..<3 {
                    gradient[a] += jacobian[i][a] * r[i]
                    for b in 0..<3 { normal[a][b] += jacobian[i][a] * jacobian[i][b] }
                }
            }
            var improved = false
            for _ in 0..<20 {
                var damped = normal
                for a in 0..<3 { damped[a][a] += mu * max(normal[a][a], 1e-12) }
                guard let delta = SmallLinearAlgebra.solve(damped, gradient) else { mu *= 10; continue }
                let candidate = zip(u, delta).map { $0 + $1 }
                let candidateResiduals = residuals(candidate, points)
                let candidateSSE = candidateResiduals.reduce(0) { $0 + $1 * $1 }
                if candidateSSE.isFinite && candidateSSE < sse {
                    let gain = sse - candidateSSE
                    u = candidate
                    r = candidateResiduals
                    sse = candidateSSE
                    mu = max(mu / 10, 1e-12)
                    improved = gain > 1e-12 * max(sse, 1e-12)
                    break
                }
                mu *= 10
            }
            if !improved { break }
        }
        return sse.isFinite ? (u, sse) : nil
    }

    private static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
    private static func inverseLogistic(_ p: Double) -> Double { let q = min(max(p, 1e-9), 1 - 1e-9); return log(q / (1 - q)) }
    private static func softplus(_ x: Double) -> Double { x > 30 ? x : log1p(exp(x)) }
    private static func inverseSoftplus(_ y: Double) -> Double { y > 30 ? y : log(expm1(y)) }
}
