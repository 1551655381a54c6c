import Foundation

/// A fitted curve of a statistic against concurrency: the model, its parameters, and what is
/// needed to judge it (weighted SSE, AICc) and to bound its predictions.
public struct CurveFit: Sendable, Equatable {
    /// The families Crest fits (../research/algorithms.md §1).
    public enum Model: String, Sendable, Equatable, Codable {
        /// y = a + b·N: below any batch cap.
        case linear
        /// y = a + b·N + c·max(0, N − B): a percentile of latency, which bends up at the batch cap B.
        case hinge
        /// Continuous-batching model of mean latency: R = θ₀ + θ₁·N up to B, then N·R(B)/B (§1.3).
        case continuousBatching
        /// Universal Scalability Law for throughput: X = λN / (1 + σ(N − 1) + κN(N − 1)) (§1.2).
        case universalScalability
        /// Monotone (PAVA) values, interpolated linearly between measured levels.
        case isotonic
    }

    public let model: Model
    /// Model parameters: linear (a, b); hinge (a, b, c, B); continuousBatching (θ₀, θ₁, B);
    /// universalScalability (λ, σ, κ); isotonic: the levels then the fitted values.
    public let parameters: [Double]
    public let weightedSSE: Double
    public let observations: Int
    /// Free parameters, for AICc (a batch cap counts as one).
    public let parameterCount: Int
    /// The covariance of the linear parameters, scaled by the residual variance; nil when not available.
    let covariance: [[Double]]?
    /// The residual variance per unit weight, σ̂² = SSE_w / (n − k).
    let residualVariance: Double

    /// The model's value at concurrency `n`.
    public func predict(_ n: Double) -> Double {
        switch model {
        case .linear:
            return parameters[0] + parameters[1] * n
        case .hinge:
            return parameters[0] + parameters[1] * n + parameters[2] * max(0, n - parameters[3])
        case .continuousBatching:
            let (theta0, theta1, cap) = (parameters[0], parameters[1], parameters[2])
            return n <= cap ? theta0 + theta1 * n : n * (theta0 + theta1 * cap) / cap
        case .universalScalability:
            let (lambda, sigma, kappa) = (parameters[0], parameters[1], parameters[2])
            return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))
        case .isotonic:
            return Isotonic.interpolate(parameters, at: n)
        }
    }

    /// Where a throughput curve stops growing: the fitted batch cap of the continuous-batching
    /// model, or the peak of a Universal Scalability Law curve, √((1 − σ)/κ), when it has one
    /// (κ > 0, σ < 1). Nil for the other models.
    public var throughputKnee: Double? {
        switch model {
        case .continuousBatching: return parameters[2]
        case .universalScalability:
            let (sigma, kappa) = (parameters[1], parameters[2])
            return kappa > 0 && sigma < 1 ? ((1 - sigma) / kappa).squareRoot() : nil
        default: return nil
        }
    }

    /// AICc = n·ln(SSE_w/n) + 2k + 2k(k+1)/(n − k − 1); nil when n < k + 2 (Hurvich & Tsai 1989).
    public var aicc: Double? {
        let n = Double(observations)
        let k = Double(parameterCount)
        guard observations >= parameterCount + 2 else { return nil }
        return n * log(max(weightedSSE, 1e-300) / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)
    }

    /// A prediction interval at `n` for a new measurement with standard error `measurementError`:
    /// ŷ ± t_{n−k}·√(gᵀ·Cov·g + σ̂²/w) by the delta method, g the gradient of ŷ in the linear
    /// parameters (§1.4). Nil for models without a covariance or with no residual degrees of freedom.
    public func predictionInterval(_ n: Double, confidence: Double, measurementError: Double = 0) -> (lower: Double, upper: Double)? {
        guard let covariance, observations > parameterCount else { return nil }
        let gradient: [Double]
        switch model {
        case .linear: gradient = [1, n]
        case .hinge: gradient = [1, n, max(0, n - parameters[3])]
        case .continuousBatching: gradient = n <= parameters[2] ? [1, n] : [n / parameters[2], n]
        case .universalScalability, .isotonic: return nil
        }
        let value = predict(n)
        let floor = 0.01 * abs(value)
        let variance = SmallLinearAlgebra.quadraticForm(covariance, gradient)
            + residualVariance * (measurementError * measurementError + floor * floor)
        let t = SpecialFunctions.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(observations - parameterCount))
        let half = t * max(variance, 0).squareRoot()
        return (value - half, value + half)
    }

    /// The concurrency in [low, high] where the (increasing) curve reaches `target`, by bisection;
    /// nil when it does not cross there.
    public func concurrency(reaching target: Double, between low: Double, and high: Double) -> Double? {
        guard low < high, predict(low) <= target else { return nil }
        guard predict(high) >= target else { return nil }
        var a = low
        var b = high
        for _ in 0..<60 {
            let middle = (a + b) / 2
            if predict(middle) < target { a = middle } else { b = middle }
        }
        return (a + b) / 2
    }
}
