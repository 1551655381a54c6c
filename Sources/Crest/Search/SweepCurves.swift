/// The curves a finished sweep's levels fit, for plots: the same models, points and choice as the
/// adaptive search's own (`LevelCurves`).
public enum SweepCurves {
    /// The model `levels` fit for `constraint`'s statistic; nil with fewer than three usable levels.
    public static func latencyFit(_ constraint: LatencyConstraint, to levels: [LevelResult]) -> CurveFit? {
        let curves = LevelCurves(budget: Budget(latency: [constraint], maxErrorRate: nil))
        let known = Dictionary(levels.map { ($0.concurrency, $0) }, uniquingKeysWith: { first, _ in first })
        let points = curves.points(of: constraint, in: known)
        guard points.count >= 3 else { return nil }
        return ModelSelection.choose(points)?.fit
    }
}
