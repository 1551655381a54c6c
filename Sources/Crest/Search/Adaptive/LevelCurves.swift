import Foundation

/// The curves the adaptive search fits to the levels it has measured: each constrained latency
/// statistic against concurrency (to predict where the budget is crossed), and throughput (to
/// find the knee and the plateau). The models propose levels; measurements decide.
struct LevelCurves {
    /// Where a fitted statistic reaches its limit.
    struct Crossing {
        let concurrency: Double
        let isTrusted: Bool
        let prediction: SearchStep.Prediction
    }

    let budget: Budget
    /// The mean pause a client takes after a request (a session sweep's think time,
    /// `SessionShape.thinkSecondsPerRequest`; 0 for a closed loop without one): N clients send
    /// N / (latency + pause) requests a second, not N / latency.
    let thinkSeconds: Double

    init(budget: Budget, thinkSeconds: Double = 0) {
        self.budget = budget
        self.thinkSeconds = thinkSeconds
    }

    /// The largest point estimate of a constrained statistic over its limit at a level: below 1 is inside.
    func worstRatio(_ result: LevelResult?) -> Double {
        ratios(result?.verdict.checks ?? []).max() ?? 0
    }

    /// `worstRatio` over the latency constraints alone: what the ramp steers by. A screening's
    /// error rate is no curve to extrapolate: one random failure in 64 requests reads 156% of a 1%
    /// ceiling, and steering by it crept the ramp up ×1.1 at a time; the verdict judges the
    /// ceiling on its counts.
    func worstLatencyRatio(_ result: LevelResult?) -> Double {
        let latency = (result?.verdict.checks ?? []).filter { if case .latency = $0.constraint { return true } else { return false } }
        return ratios(latency).max() ?? 0
    }

    private func ratios(_ checks: [ConstraintCheck]) -> [Double] {
        checks.map(\.ratioToLimit)
    }

    /// True when a level broke only its error ceiling: a quota or failure cliff the latency curves cannot predict.
    func brokeOnlyOnErrors(_ result: LevelResult) -> Bool {
        let broken = result.verdict.decision?.constraints.filter { $0.outcome == .broken }.map(\.constraint)
            ?? result.verdict.violations.map(\.constraint)
        guard !broken.isEmpty else { return result.summary.errorRate.value > (budget.maxErrorRate ?? 1) }
        return broken.allSatisfy { if case .errorRate = $0 { return true } else { return false } }
    }

    /// How fast the tightest constrained latency statistic grows with load near `level`: d ln(ratio) / d ln N
    /// between `level` and the nearest measured level below it; nil without two levels.
    func elasticity(near level: Int, in known: [Int: LevelResult]) -> Double? {
        guard let here = known[level], let below = known.keys.filter({ $0 < level }).max(), let there = known[below] else { return nil }
        let high = worstLatencyRatio(here)
        let low = worstLatencyRatio(there)
        guard high.isFinite, low.isFinite, low > 0, high > 0 else { return nil }
        return log(high / low) / log(Double(level) / Double(below))
    }

    // MARK: - Latency statistics

    /// The measured points of a constraint's statistic, in increasing concurrency (finite values only).
    /// A level whose test found it infeasible while its statistic reads under the limit is left out:
    /// it was decided from requests still running past the limit, and the few that finished are
    /// the fast ones, so its value is biased low.
    func points(of constraint: LatencyConstraint, in known: [Int: LevelResult]) -> [CurvePoint] {
        known.values.sorted { $0.concurrency < $1.concurrency }.compactMap { result in
            guard let check = result.verdict.checks.first(where: { $0.constraint == .latency(constraint) }), check.observed.value.isFinite else { return nil }
            if !result.verdict.isFeasible && check.observed.value <= check.limit { return nil }
            return CurvePoint(concurrency: Double(result.concurrency), value: check.observed.value, standardError: check.observed.standardError(orShare: 0.2))
        }
    }

    /// The lowest level in (above, below) where any constraint's fitted curve reaches its limit.
    func crossing(in known: [Int: LevelResult], above: Double, below: Double) -> Crossing? {
        var best: Crossing?
        for constraint in budget.latency {
            let points = points(of: constraint, in: known)
            guard points.count >= 3, let choice = ModelSelection.choose(points) else { continue }
            let high = max(below, (points.map(\.concurrency).max() ?? below))
            guard let n = choice.fit.concurrency(reaching: constraint.limitSeconds, between: max(above, 1), and: high) else { continue }
            let prediction = SearchStep.Prediction(
                statistic: constraint.statisticName, model: choice.fit.model.rawValue, value: constraint.limitSeconds, lower: nil, upper: nil)
            if best == nil || n < best!.concurrency {
                best = Crossing(concurrency: n, isTrusted: choice.isTrusted, prediction: prediction)
            }
        }
        return best
    }

    /// What the fit of `statistic` (or of the first constraint) predicts at `n`, with its interval.
    func prediction(at n: Double, in known: [Int: LevelResult], statistic: String?) -> SearchStep.Prediction? {
        guard let constraint = budget.latency.first(where: { statistic == nil || $0.statisticName == statistic }) else { return nil }
        let points = points(of: constraint, in: known)
        guard points.count >= 3, let choice = ModelSelection.choose(points) else { return nil }
        let interval = choice.fit.predictionInterval(n, confidence: 0.95)
        return SearchStep.Prediction(
            statistic: constraint.statisticName, model: choice.fit.model.rawValue, value: choice.fit.predict(n),
            lower: interval?.lower, upper: interval?.upper)
    }

    // MARK: - Throughput

    /// The throughput curve of the feasible levels: the continuous-batching fit of mean latency
    /// (throughput by Little's law, ../research/algorithms.md §1.3), or, when the measurements show
    /// throughput falling as load rises (which that model cannot represent), the Universal
    /// Scalability Law fitted to throughput (§1.2). Nil with fewer than three feasible levels.
    func throughput(feasibleOnly known: [Int: LevelResult]) -> CurveFit? {
        let feasible = known.values.filter(\.verdict.isFeasible).sorted { $0.concurrency < $1.concurrency }
        if isDeclining(feasible) {
            let points = feasible.map { result -> CurvePoint in
                let tpm = result.summary.transactionsPerMinute
                return CurvePoint(concurrency: Double(result.concurrency), value: tpm.value / 60, standardError: tpm.standardError(orShare: 0.1) / 60)
            }
            if let scalability = UniversalScalability.fit(points) { return scalability }
        }
        let latencyPoints = feasible.compactMap { result -> CurvePoint? in
            guard let mean = result.summary.latency?.mean, mean.value > 0 else { return nil }
            return CurvePoint(concurrency: Double(result.concurrency), value: mean.value, standardError: mean.standardError(orShare: 0.1))
        }
        guard latencyPoints.count >= 3 else { return nil }
        return LinearCurves.continuousBatching(latencyPoints)
    }

    /// True when a throughput model shows throughput levelling off below `level`: a batch cap under
    /// it, or a declining (USL) curve whose peak is under it.
    func showsPlateau(_ model: CurveFit, below level: Int) -> Bool {
        throughputKnee(model).map { $0 < Double(level) } ?? false
    }

    /// Where a throughput curve stops growing: the fitted batch cap, or a declining curve's peak.
    /// With clients that pause after each request there is none to name: past the batch cap a
    /// request's latency grows, but the rate N / (latency + pause) grows on while the pause is
    /// most of a client's cycle.
    func throughputKnee(_ model: CurveFit) -> Double? {
        thinkSeconds > 0 && model.model != .universalScalability ? nil : model.throughputKnee
    }

    /// True when a higher feasible level measured clearly less throughput than a lower one: its
    /// Little's-law rate is lower by more than two combined standard errors.
    private func isDeclining(_ feasible: [LevelResult]) -> Bool {
        let rated = feasible.compactMap { level in littleRate(level).map { (level: level.concurrency, rate: $0) } }
        guard rated.count >= 3, let peak = rated.max(by: { $0.rate.value < $1.rate.value }) else { return false }
        return rated.contains { other in
            guard other.level > peak.level else { return false }
            let noise = (pow(other.rate.relativeError, 2) + pow(peak.rate.relativeError, 2)).squareRoot()
            return other.rate.value < (1 - 2 * noise) * peak.rate.value
        }
    }

    /// Requests per second a throughput curve gives at `n`: USL directly, a mean-latency fit by
    /// Little's law with the clients' pauses.
    func throughputValue(_ fit: CurveFit, at n: Double) -> Double {
        fit.model == .universalScalability ? fit.predict(n) : n / max(fit.predict(n) + thinkSeconds, 1e-12)
    }

    /// A level's request rate by Little's law, N / (mean latency + pause), with its relative standard error.
    func littleRate(_ result: LevelResult) -> (value: Double, relativeError: Double)? {
        guard let mean = result.summary.latency?.mean, mean.value > 0 else { return nil }
        let cycle = mean.value + thinkSeconds
        return (Double(result.concurrency) / cycle, mean.standardError(orShare: 0.2) / cycle)
    }
}
