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

    /// The throughput curve of `levels` as the search fits it (see `LevelCurves.throughput`): its
    /// request rate at a concurrency, and its knee, where throughput stops growing (the fitted batch
    /// cap, or the peak of a declining curve), with clients that pause `thinkSeconds` after a
    /// request. Nil with fewer than three feasible levels.
    public static func throughputFit(
        to levels: [LevelResult], budget: Budget, thinkSeconds: Double = 0
    ) -> (model: String, requestsPerSecond: @Sendable (Double) -> Double, knee: Double?)? {
        let curves = LevelCurves(budget: budget, thinkSeconds: thinkSeconds)
        let known = Dictionary(levels.map { ($0.concurrency, $0) }, uniquingKeysWith: { first, _ in first })
        guard let fit = curves.throughput(feasibleOnly: known) else { return nil }
        return (fit.model.rawValue, { curves.throughputValue(fit, at: $0) }, curves.throughputKnee(fit))
    }
}
