import Crest

/// FMBench-like: a doubling grid of levels, each measured for a fixed number of requests
/// (../research/algorithms.md §3, baseline B1: 300 per level), stopped at the first level that breaks
/// the budget (kinder to it than FMBench, which runs the whole list). The answer follows FMBench's
/// per-instance rule: the highest concurrency that passes.
struct FixedGridSearch: SearchStrategy {
    let name = "fixed-grid"
    let requestsPerLevel: Int

    init(requestsPerLevel: Int = 300) {
        self.requestsPerLevel = requestsPerLevel
    }

    func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome {
        var concurrency = 1
        var best: Int?
        while concurrency <= session.limits.maxConcurrency, !session.isExhausted {
            let result = try await session.measure(concurrency, until: .requests(requestsPerLevel), phase: SearchPhase(rawValue: "grid"), reason: "next power of two")
            guard result.verdict.isFeasible else { break }
            best = concurrency
            concurrency *= 2
        }
        return BaselineAnswer.outcome(session, strategy: name, chosen: best, rule: "the highest grid level that passed")
    }
}
