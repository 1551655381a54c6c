import Foundation

/// Bracket: between the highest feasible and the lowest infeasible level, probe where the fitted
/// curves cross the budget, until the two are adjacent or nothing inside can gain.
extension AdaptiveController {
    func bracket() async throws {
        while let ceiling = ledger.ceiling, let floor = ledger.floor, ceiling - floor > 1, canExplore(ceiling) {
            // A borderline probe in a narrow bracket means the statistic is within its noise of the limit
            // there: more screening cannot tell these levels apart; the confirmation will.
            if let last = session.results.last, last.verdict.isBorderline, Double(ceiling) / Double(floor) < 1.3 { return }
            if let model = models.throughput(feasibleOnly: ledger.known),
                models.throughputValue(model, at: Double(ceiling - 1)) <= (1 + tolerance / 2) * models.throughputValue(model, at: Double(floor))
            {
                return  // Regret stop: no level inside the bracket gains a meaningful amount.
            }
            let (target, reason, prediction) = bracketTarget(floor: floor, ceiling: ceiling)
            let result = try await screen(target, phase: .bracket, reason: reason, prediction: prediction)
            ledger.recordBracketProbe(widthBefore: log(Double(ceiling) / Double(floor)), raisedFloor: result.verdict.isFeasible)
        }
    }

    private func bracketTarget(floor: Int, ceiling: Int) -> (Int, String, SearchStep.Prediction?) {
        let known = ledger.known
        let midpoint = min(max(Int((Double(floor) * Double(ceiling)).squareRoot().rounded()), floor + 1), ceiling - 1)
        let errorsBroke = known[ceiling].map { models.brokeOnlyOnErrors($0) } ?? false
        let inner = Self.safeguarded(floor: floor, ceiling: ceiling)
        if !ledger.isStalled, !errorsBroke, let crossing = models.crossing(in: known, above: Double(floor), below: Double(ceiling)), crossing.isTrusted {
            // Probe a little past the prediction on the side the last probe moved, so a miss still shrinks the bracket.
            let offset = max(1, crossing.concurrency * 0.03)
            let aimed = ledger.lastProbeRaisedFloor ? crossing.concurrency + offset : crossing.concurrency - offset
            let target = min(max(Int(aimed.rounded()), inner.low), inner.high)
            let reason = "the \(crossing.prediction.model) fit of \(crossing.prediction.statistic) crosses its limit near \(NumberFormatting.significant(crossing.concurrency, digits: 3)) in [\(floor), \(ceiling)]"
            return (target, reason, models.prediction(at: Double(target), in: known, statistic: crossing.prediction.statistic))
        }
        let why = errorsBroke ? "errors, not latency, broke the budget above" : ledger.isStalled ? "the fit stalled" : "no trusted fit yet"
        return (midpoint, "log-bisect [\(floor), \(ceiling)]: \(why)", nil)
    }

    /// The levels a fitted probe may take in [floor, ceiling]: not within the outer 15% of the
    /// bracket (in log terms) at either end. A probe next to an end barely shrinks the bracket when
    /// the fit is off, and a level costs its warm-up and the requests in flight when it is decided
    /// however little it tells.
    static func safeguarded(floor: Int, ceiling: Int) -> (low: Int, high: Int) {
        let width = log(Double(ceiling) / Double(floor))
        let margin = 0.15
        let low = Int((Double(floor) * exp(margin * width)).rounded(.up))
        let high = Int((Double(floor) * exp((1 - margin) * width)).rounded(.down))
        return (min(max(low, floor + 1), ceiling - 1), max(min(high, ceiling - 1), floor + 1))
    }
}
