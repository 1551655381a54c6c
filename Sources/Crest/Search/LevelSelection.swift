/// Picks the recommended level from measured levels.
///
/// Among the feasible levels it finds the highest throughput, then recommends the *smallest*
/// feasible level whose throughput is within `plateauTolerance` of it. On a throughput plateau the
/// levels above the knee add latency and nothing else, and a difference under 2% is within the noise
/// of a level's throughput estimate (../research/algorithms.md §2.2, the ε-knee objective); on a
/// curve that keeps rising this is simply the highest-throughput feasible level.
public struct LevelSelection: Sendable {
    public let plateauTolerance: Double

    /// Levels within this share of the best feasible throughput count as its plateau (the
    /// default of every sweep: ../research/algorithms.md §3).
    public static let standardPlateauTolerance = 0.02

    public init(plateauTolerance: Double = standardPlateauTolerance) {
        precondition(plateauTolerance >= 0 && plateauTolerance < 1, "the plateau tolerance is a share in [0, 1)")
        self.plateauTolerance = plateauTolerance
    }

    /// The recommendation for `levels` (any order); nil when `levels` is empty.
    public func recommend(from levels: [LevelResult]) -> Recommendation? {
        let ordered = levels.sorted { $0.concurrency < $1.concurrency }
        guard !ordered.isEmpty else { return nil }
        let feasible = ordered.filter(\.verdict.isFeasible)
        guard let best = feasible.max(by: Self.slower) else {
            return closest(in: ordered)
        }
        let threshold = (1 - plateauTolerance) * best.summary.transactionsPerMinute.value
        let chosen = feasible.first { $0.summary.transactionsPerMinute.value >= threshold }!
        return recommendation(chosen, best: best, in: ordered)
    }

    /// The recommendation of `concurrency`, chosen elsewhere (a search's own answer), told against
    /// `levels` (any order); nil when no level has that concurrency.
    public func recommendation(of concurrency: Int, from levels: [LevelResult]) -> Recommendation? {
        let ordered = levels.sorted { $0.concurrency < $1.concurrency }
        guard let chosen = ordered.first(where: { $0.concurrency == concurrency }) else { return nil }
        guard chosen.verdict.isFeasible else { return closest(in: ordered, chosen: chosen) }
        // What stops a higher level is told from the levels at or above the answer: a lower one
        // that screened faster was not the search's to take.
        let feasible = ordered.filter(\.verdict.isFeasible)
        let above = feasible.filter { $0.concurrency >= concurrency }
        return recommendation(chosen, best: above.max(by: Self.slower)!, highest: feasible.max(by: Self.slower)!, in: ordered)
    }

    private static func slower(_ a: LevelResult, _ b: LevelResult) -> Bool {
        a.summary.transactionsPerMinute.value < b.summary.transactionsPerMinute.value
    }

    private func recommendation(_ chosen: LevelResult, best: LevelResult, highest: LevelResult? = nil, in ordered: [LevelResult]) -> Recommendation {
        let limit = self.limit(above: chosen, best: best, in: ordered)
        return Recommendation(
            isFeasible: true, level: chosen, limit: limit, highestThroughputConcurrency: (highest ?? best).concurrency,
            explanation: explanation(chosen: chosen, best: best, limit: limit, in: ordered))
    }

    private func limit(above chosen: LevelResult, best: LevelResult, in ordered: [LevelResult]) -> RecommendationLimit {
        if best.concurrency != chosen.concurrency {
            let gain = best.summary.transactionsPerMinute.value / chosen.summary.transactionsPerMinute.value - 1
            return .plateau(bestConcurrency: best.concurrency, gain: gain)
        }
        guard let next = ordered.first(where: { $0.concurrency > chosen.concurrency }) else { return .rangeEnd }
        if next.verdict.isFeasible {
            // A higher feasible level with less throughput: past the peak of a declining curve.
            let gain = next.summary.transactionsPerMinute.value / chosen.summary.transactionsPerMinute.value - 1
            return .plateau(bestConcurrency: chosen.concurrency, gain: gain)
        }
        return .budget(nextConcurrency: next.concurrency, violations: next.verdict.violations)
    }

    private func explanation(chosen: LevelResult, best: LevelResult, limit: RecommendationLimit, in ordered: [LevelResult]) -> String {
        let tpm = NumberFormatting.significant(chosen.summary.transactionsPerMinute.value, digits: 4)
        var text = "Concurrency \(chosen.concurrency) meets the budget with \(tpm) transactions/minute."
        switch limit {
        case .budget(let next, let violations):
            let verdict = ordered.first { $0.concurrency == next }?.verdict
            if let shortfall = verdict?.shortfall {
                text += " Concurrency \(next) does not count: \(shortfall.summary)."
            } else if violations.isEmpty {
                // Judged infeasible by its sequential test while its point estimates are inside.
                let tightest = verdict?.tightest.map { ": " + $0.summary } ?? ""
                text += " Concurrency \(next) could not be certified\(tightest), within its own noise of the limit."
            } else {
                text += " Concurrency \(next) breaks it: " + violations.map(\.summary).joined(separator: "; ") + "."
            }
        case .plateau(let bestConcurrency, let gain):
            let percent = NumberFormatting.significant(gain * 100, digits: 2)
            if bestConcurrency == chosen.concurrency {
                text += " Higher levels give no more throughput (\(percent)% at the next level)."
            } else {
                text += " Concurrency \(bestConcurrency) adds only \(percent)% throughput (under the \(NumberFormatting.significant(plateauTolerance * 100))% plateau tolerance) for more latency."
            }
        case .rangeEnd:
            text += " It is the highest level tried, so the endpoint may take more: try higher levels."
        }
        return text
    }

    /// When no level is feasible: the level whose worst violation is smallest, unless one was chosen.
    private func closest(in ordered: [LevelResult], chosen: LevelResult? = nil) -> Recommendation {
        let closest = chosen ?? ordered.max { worstHeadroom($0) < worstHeadroom($1) }!
        let violations = closest.verdict.breaches.joined(separator: "; ")
        let text = "No level met the budget. The closest was concurrency \(closest.concurrency): \(violations)."
            + (closest.concurrency == ordered.first!.concurrency && closest.concurrency > 1
                ? " Try lower levels." : "")
        return Recommendation(isFeasible: false, level: closest, limit: nil, highestThroughputConcurrency: nil, explanation: text)
    }

    private func worstHeadroom(_ level: LevelResult) -> Double {
        level.verdict.checks.map(\.headroom).min() ?? 0
    }
}
