/// Chooses among candidate fits of the same data (../research/algorithms.md §1.5): the lowest AICc,
/// keeping the simpler model unless the richer one wins by more than 2; then forward-chaining
/// validation: refit on the first points in order of concurrency and predict each next one. A
/// model whose median relative error exceeds 15% is marked untrusted, and the search falls back
/// to bisection.
public struct ModelChoice: Sendable, Equatable {
    public let fit: CurveFit
    /// True when forward validation supports the model (or there are too few points to judge it:
    /// two, which no crossing is predicted from).
    public let isTrusted: Bool
    /// The median relative error of forward predictions; nil with too few points.
    public let forwardError: Double?
}

public enum ModelSelection {
    /// The fitters of a latency statistic, simplest first.
    public static let latencyFitters: [@Sendable ([CurvePoint]) -> CurveFit?] = [LinearCurves.line, LinearCurves.hinge]

    /// Picks a model for `points` (in increasing concurrency, as `LevelCurves.points` gives them).
    public static func choose(_ points: [CurvePoint], fitters: [@Sendable ([CurvePoint]) -> CurveFit?] = latencyFitters) -> ModelChoice? {
        let candidates = fitters.indices.compactMap { index -> (index: Int, fit: CurveFit)? in
            guard let fit = fitters[index](points), fit.aicc != nil else { return nil }
            return (index, fit)
        }
        guard var chosen = candidates.first else {
            // Too few points for AICc to judge a parametric model: the monotone fit proposes, and
            // is trusted, like them, only when it predicted the measured points from those before
            // them (from two on: a third point is predicted along the segment of the first two).
            guard let fit = Isotonic.fit(points) else { return nil }
            let error = forwardError(points, fitter: Isotonic.fit, fromPrefix: 2)
            return ModelChoice(fit: fit, isTrusted: error.map { $0 <= 0.15 } ?? true, forwardError: error)
        }
        for candidate in candidates.dropFirst() where candidate.fit.aicc! < chosen.fit.aicc! - 2 { chosen = candidate }
        let error = forwardError(points, fitter: fitters[chosen.index])
        return ModelChoice(fit: chosen.fit, isTrusted: error.map { $0 <= 0.15 } ?? true, forwardError: error)
    }

    /// The median relative error of predicting each point from the ones before it, from the first
    /// `fromPrefix` points on.
    static func forwardError(_ points: [CurvePoint], fitter: ([CurvePoint]) -> CurveFit?, fromPrefix first: Int = 3) -> Double? {
        var errors: [Double] = []
        for count in first..<max(points.count, first) {
            guard let fit = fitter(Array(points.prefix(count))) else { continue }
            let next = points[count]
            errors.append(abs(fit.predict(next.concurrency) - next.value) / max(abs(next.value), 1e-12))
        }
        guard !errors.isEmpty else { return nil }
        return quantile(0.5, ofSorted: errors.sorted(), method: .linear)
    }
}
