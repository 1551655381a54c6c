import Foundation

/// The few special functions Crest's intervals rest on, written small and tested against known values.
public enum SpecialFunctions {
    /// The regularized incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
    ///
    /// Method: the continued fraction for I_x(a, b), evaluated by the modified Lentz algorithm, on the
    /// side of the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges fast
    /// (Abramowitz & Stegun 26.5.8; Press et al., Numerical Recipes §6.4).
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        precondition(a > 0 && b > 0, "regularizedIncompleteBeta needs a, b > 0")
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(a: b, b: a, x: 1 - x) / b
    }

    private static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        func guarded(_ value: Double) -> Double { abs(value) < tiny ? tiny : value }
        var c = 1.0
        var d = 1 / guarded(1 - (a + b) * x / (a + 1))
        var result = d
        // Convergence takes O(sqrt(max(a, b))) terms; the cap covers a and b up to about 10^8.
        for m in 1...100_000 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a - 1 + 2 * m) * (a + 2 * m))
            d = 1 / guarded(1 + even * d)
            c = guarded(1 + even / c)
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1 + 2 * m))
            d = 1 / guarded(1 + odd * d)
            c = guarded(1 + odd / c)
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return result
    }

    /// The x with I_x(a, b) = probability (the beta distribution's quantile), by bisection.
    public static func inverseRegularizedIncompleteBeta(a: Double, b: Double, probability: Double) -> Double {
        if probability <= 0 { return 0 }
        if probability >= 1 { return 1 }
        var low = 0.0
        var high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if regularizedIncompleteBeta(a: a, b: b, x: middle) < probability { low = middle } else { high = middle }
            if high - low < 1e-15 { break }
        }
        return (low + high) / 2
    }

    /// P(X ≤ k) for X ~ Binomial(n, p), through I_{1−p}(n − k, k + 1).
    public static func binomialCDF(_ k: Int, trials n: Int, probability p: Double) -> Double {
        binomialCDF(Double(k), trials: Double(n), probability: p)
    }

    /// The same through the beta form, for counts that need not be whole: an effective sample of
    /// correlated requests (`DesignEffect`).
    public static func binomialCDF(_ k: Double, trials n: Double, probability p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n || p <= 0 { return 1 }
        if p >= 1 { return 0 }
        return regularizedIncompleteBeta(a: n - k, b: k + 1, x: 1 - p)
    }

    /// The standard normal CDF.
    public static func normalCDF(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// The standard normal quantile, by bisection on `normalCDF` (accurate to about 1e-12).
    public static func normalQuantile(_ probability: Double) -> Double {
        precondition(probability > 0 && probability < 1, "normalQuantile needs 0 < probability < 1")
        var low = -40.0
        var high = 40.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if normalCDF(middle) < probability { low = middle } else { high = middle }
            if high - low < 1e-13 { break }
        }
        return (low + high) / 2
    }

    /// The CDF of Student's t with `degreesOfFreedom` ν: 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0.
    public static func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = 0.5 * regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: nu / (nu + t * t))
        return t >= 0 ? 1 - tail : tail
    }

    /// The quantile of Student's t, by bisection on `studentTCDF`.
    public static func studentTQuantile(_ probability: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(probability > 0 && probability < 1, "studentTQuantile needs 0 < probability < 1")
        if probability < 0.5 { return -studentTQuantile(1 - probability, degreesOfFreedom: nu) }
        var low = 0.0
        var high = 1.0
        while studentTCDF(high, degreesOfFreedom: nu) < probability { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if studentTCDF(middle, degreesOfFreedom: nu) < probability { low = middle } else { high = middle }
            if high - low < 1e-12 * max(1, high) { break }
        }
        return (low + high) / 2
    }
}
