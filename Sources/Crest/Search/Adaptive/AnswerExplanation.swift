/// What the adaptive search says about its answer, for people: how sure it is, what stops a
/// higher level, and why levels above it that passed a screening are not the answer.
struct AnswerExplanation {
    let answer: LevelResult
    /// "certified", or "likely: ..." / "borderline: ..." with what that means.
    let certainty: String
    let limit: RecommendationLimit
    let reason: SearchStopReason
    /// The most reliable result per level.
    let known: [Int: LevelResult]
    /// Levels that failed their confirmation.
    let rejected: Set<Int>
    let tolerance: Double
    let maxConcurrency: Int
    /// Levels the search accepts as an answer (certified, or likely by a full confirmation).
    let accepted: Set<Int>

    var text: String {
        let concurrency = answer.concurrency
        var text = "Concurrency \(concurrency) meets the budget (\(certainty)) with \(NumberFormatting.significant(answer.summary.transactionsPerMinute.value, digits: 4)) transactions/minute."
        switch limit {
        case .budget(let next, let violations):
            let certainty = known[next]?.verdict.decision?.certainty
            if let shortfall = known[next]?.verdict.shortfall {
                text += " Concurrency \(next) does not count: \(shortfall.summary)."
            } else if known[next] != nil, !violations.isEmpty, certainty == .borderline {
                // Over by its point estimate only: say so, rather than that it breaks the budget.
                text += " Concurrency \(next) is over it by its point estimate, within its own noise of the limit: "
                    + violations.map(\.summary).joined(separator: "; ") + "."
            } else if let above = known[next], certainty == .certified, let counted = countedBreaks(above) {
                text += " Concurrency \(next) breaks it: its test counted " + counted + "."
            } else if known[next] != nil, !violations.isEmpty || certainty == .certified {
                text += " Concurrency \(next) breaks it" + (violations.isEmpty ? " (its test shows it)." : ": " + violations.map(\.summary).joined(separator: "; ") + ".")
            } else if let above = known[next] {
                let tightest = above.verdict.tightest.map { ": " + $0.summary } ?? ""
                text += " Concurrency \(next) could not be certified\(tightest), within its own noise of the limit."
            }
        case .plateau(let bestConcurrency, let gain):
            let percent = NumberFormatting.significant(max(gain, 0) * 100, digits: 2)
            if bestConcurrency > concurrency, gain > tolerance {
                text += " Up to concurrency \(bestConcurrency) the throughput model gains up to \(percent)% more, but no level there was confirmed."
            } else if bestConcurrency > concurrency {
                let gains = gain < 0.0005 ? "gains nothing" : "gains at most \(percent)% more"
                text += " Up to concurrency \(bestConcurrency) the throughput model \(gains), within the \(NumberFormatting.significant(tolerance * 100))% plateau tolerance, for more latency."
            } else {
                text += " Throughput has reached its plateau; higher levels only add latency."
            }
        case .rangeEnd where reason == .feasibleUpToLimit:
            text += " Every level up to \(maxConcurrency) met the budget."
        case .rangeEnd:
            let highest = known.keys.max() ?? concurrency
            text += " The total budget ended the ramp at concurrency \(highest), before any level broke the budget or throughput levelled off: higher levels were not measured, and the endpoint may take more."
        }
        text += closePassesBetween
        text += unconfirmedPassesAbove
        if reason == .budgetExhausted { text += " The search budget ran out before this answer was confirmed." }
        return text
    }

    /// The counts a certified-infeasible test rested on, for the constraints judged by counts:
    /// "3 of 90 judged requests failed (errors<=0.5%)". A level decided early has few finished
    /// requests, so its point estimates (an infinite p95, 0% errors of none finished) can name the
    /// wrong constraint or none; nil when a broken constraint is a mean or ITL, judged by value.
    private func countedBreaks(_ level: LevelResult) -> String? {
        let broken = level.verdict.decision?.constraints.filter { $0.outcome == .broken } ?? []
        guard !broken.isEmpty else { return nil }
        var parts: [String] = []
        for decision in broken {
            switch decision.constraint {
            case .errorRate:
                parts.append("\(decision.over) of \(decision.judged) judged requests failed (\(decision.constraint))")
            case .latency(let latency):
                guard case .percentile(let percentile) = latency.statistic, latency.metric != .itl else { return nil }
                let allowed = NumberFormatting.significant((1 - percentile.fraction) * 100, digits: 3)
                parts.append("\(decision.over) of \(decision.judged) judged requests over the limit of \(latency), which allows \(allowed)%")
            }
        }
        return parts.joined(separator: "; ")
    }

    /// Why levels above the answer that passed a screening are not the answer, when confirmations
    /// below them failed: a reader of the per-level table sees them marked feasible.
    private var unconfirmedPassesAbove: String {
        let failed = rejected.filter { $0 > answer.concurrency }.sorted()
        let passed = known.values.filter { level in
            level.concurrency > (failed.first ?? .max) && level.verdict.isFeasible && !accepted.contains(level.concurrency)
        }.sorted { $0.concurrency < $1.concurrency }
        guard !passed.isEmpty else { return "" }
        let named = passed.map { "\($0.concurrency) (\($0.summary.requests) requests, \($0.verdict.labelWithCertainty))" }
        let one = passed.count == 1
        return " Concurrency \(listed(named)) passed only \(one ? "a screening" : "screenings"); \(one ? "it lies" : "they lie") above \(listed(failed.map(String.init))),"
            + " whose confirmation\(failed.count == 1 ? "" : "s") could not certify the budget, and latency grows with load: \(one ? "that pass is" : "those passes are") likely noise."
    }

    /// Why levels between the answer and the lowest failed confirmation above it, whose screening
    /// passed only within its noise of the limit, were not confirmed: the search stepped down past
    /// them to a level with margin.
    private var closePassesBetween: String {
        guard let failed = rejected.filter({ $0 > answer.concurrency }).min() else { return "" }
        let close = known.values.filter { level in
            level.concurrency > answer.concurrency && level.concurrency < failed && level.verdict.isFeasible
                && !accepted.contains(level.concurrency) && level.verdict.isBorderline
        }.sorted { $0.concurrency < $1.concurrency }
        guard !close.isEmpty else { return "" }
        let named = close.map { "\($0.concurrency) (\($0.summary.requests) requests, \($0.verdict.labelWithCertainty))" }
        let one = close.count == 1
        return " Concurrency \(listed(named)) passed \(one ? "its screening" : "their screenings") only within \(one ? "its" : "their") own noise of the limit,"
            + " where a confirmation rarely certifies; after \(failed) failed, the search confirmed a level with more margin."
    }

    /// "a", "a and b", "a, b and c".
    private func listed(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
