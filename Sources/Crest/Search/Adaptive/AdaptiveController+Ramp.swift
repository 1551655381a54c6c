import Foundation

/// Ramp: grow the load until a level breaks the budget, the throughput plateaus, or the maximum
/// concurrency is reached.
extension AdaptiveController {
    /// Ramps up from the bracket's floor. Returns true when it reached the limit with every level feasible.
    func ramp() async throws -> Bool {
        while ledger.ceiling == nil, !session.isExhausted, canExplore(min((ledger.floor ?? 1) * 2, maxConcurrency)) {
            let floor = ledger.floor ?? 0
            guard floor < maxConcurrency else { return true }
            let (target, reason, prediction) = rampTarget(from: max(floor, 1))
            let result = try await screen(target, phase: .ramp, reason: reason, prediction: prediction)
            if result.verdict.isFeasible, plateauReached() { return false }
        }
        ledger.rampCutShort = ledger.ceiling == nil
        return false
    }

    /// The next ramp level above `floor`, why, and what the fit predicts there. ×4 while every
    /// constrained latency statistic is under a quarter of its limit, else ×2; then sized by how
    /// fast the statistic grows with load; once a fit is trusted, just past its predicted crossing.
    private func rampTarget(from floor: Int) -> (Int, String, SearchStep.Prediction?) {
        let known = ledger.known
        let ratio = models.worstLatencyRatio(known[floor])
        let errorFree = (known[floor]?.summary.errors ?? 0) == 0
        var growth = ratio < 0.25 && errorFree ? 4.0 : 2.0
        let share = ratio.isFinite ? "at \(Int((ratio * 100).rounded()))% of its limit" : "over its limit by its point estimate"
        var reason = "grow ×\(Int(growth)): the budget's tightest latency statistic is \(share)"
        if ratio >= 0.25, ratio.isFinite, let elasticity = models.elasticity(near: floor, in: known) {
            // Predict the crossing from how fast the statistic has grown with load, and step just past
            // it. Near the budget, latency grows at least roughly in step with load; a smaller measured
            // elasticity is two noisy estimates, and trusting it would overshoot.
            let crossing = pow(1 / max(ratio, 1e-6), 1 / max(elasticity, 0.7))
            growth = min(2, max(1.1, 1.1 * crossing))
            reason = "grow ×\(NumberFormatting.significant(growth, digits: 3)): \(share), rising with elasticity \(NumberFormatting.significant(elasticity, digits: 2))"
        }
        var target = min(max(Int((Double(floor) * growth).rounded(.up)), floor + 1), maxConcurrency)
        if let crossing = models.crossing(in: known, above: Double(floor), below: Double(maxConcurrency)), crossing.isTrusted {
            let aim = Int((crossing.concurrency * 1.1).rounded(.up))
            if aim < target {
                target = max(aim, floor + 1)
                reason = "the \(crossing.prediction.model) fit of \(crossing.prediction.statistic) crosses its limit near \(Int(crossing.concurrency.rounded())); step just past it"
            }
            return (target, reason, models.prediction(at: Double(target), in: known, statistic: crossing.prediction.statistic))
        }
        return (target, reason, nil)
    }

    /// True when the ramp has reached the plateau: the last step gained less throughput than the
    /// tolerance plus two standard errors, and the throughput model sees no more than the tolerance
    /// to gain up to the maximum concurrency (../research/algorithms.md §2.3). Throughput here is
    /// N / mean latency (Little's law), far steadier than completions counted in a short window.
    private func plateauReached() -> Bool {
        let feasible = ledger.known.values.filter(\.verdict.isFeasible).sorted { $0.concurrency < $1.concurrency }
        guard feasible.count >= 3, let top = feasible.last, let model = models.throughput(feasibleOnly: ledger.known) else { return false }
        let previous = feasible[feasible.count - 2]
        guard let topRate = models.littleRate(top), let previousRate = models.littleRate(previous) else { return false }
        let gain = topRate.value / previousRate.value - 1
        let noise = (pow(topRate.relativeError, 2) + pow(previousRate.relativeError, 2)).squareRoot()
        guard gain < tolerance + 2 * noise else { return false }
        let ceiling = models.throughputValue(model, at: Double(maxConcurrency))
        return ceiling <= (1 + tolerance) * models.throughputValue(model, at: Double(top.concurrency))
    }
}
