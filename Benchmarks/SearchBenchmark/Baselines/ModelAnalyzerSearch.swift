import Crest

/// Triton Model Analyzer's concurrency search (model_analyzer: result/inference_load_search.py,
/// formerly parameter_search.py): powers of two from 1, each level measured by perf_analyzer's
/// stability windows, until at least 4 levels are measured and the best throughput of the last 4
/// gains under 5% over the first of them, or the maximum concurrency. A level that breaks a
/// constraint does not stop the sweep: the tool measures on while throughput grows. Then, where a
/// failing level follows a passing one (the highest such pair), it bisects between them for at
/// most 5 steps. The answer is the passing level with the highest throughput.
///
/// Left out: the tool's handling of a first level that already fails (it bisects down towards
/// 0 and re-measures levels it has), which cannot give a passing answer here.
struct ModelAnalyzerSearch: SearchStrategy {
    let name = "model-analyzer"

    init() {}

    func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome {
        let rule = StopRule.stable(StabilityRule(latency: BaselineAnswer.stabilityStatistic(session.budget)))
        var swept: [(concurrency: Int, throughput: Double, passed: Bool)] = []
        var concurrency = 1
        while concurrency <= session.limits.maxConcurrency, !session.isExhausted {
            let result = try await session.measure(concurrency, until: rule, phase: SearchPhase(rawValue: "sweep"), reason: "powers of two")
            swept.append((concurrency, result.summary.transactionsPerMinute.value, result.verdict.isFeasible))
            // THROUGHPUT_MINIMUM_CONSECUTIVE_INFERENCE_LOAD_TRIES = 4, THROUGHPUT_MINIMUM_GAIN = 0.05.
            let lastFour = swept.suffix(4).map(\.throughput)
            if lastFour.count == 4, lastFour.max()! < 1.05 * lastFour.first! { break }
            concurrency *= 2
        }
        var passed = swept.filter(\.passed).map { (concurrency: $0.concurrency, throughput: $0.throughput) }
        let boundary = swept.indices.dropFirst().last { !swept[$0].passed && swept[$0 - 1].passed }
        if let boundary {
            var low = swept[boundary - 1].concurrency
            var high = swept[boundary].concurrency
            // MAX_BINARY_SEARCH_STEPS = 5.
            for _ in 0..<5 where high - low > 1 && !session.isExhausted {
                let middle = (low + high) / 2
                let result = try await session.measure(middle, until: rule, phase: SearchPhase(rawValue: "bisect"), reason: "bisect between the last pass and the first failure")
                if result.verdict.isFeasible {
                    passed.append((middle, result.summary.transactionsPerMinute.value))
                    low = middle
                } else {
                    high = middle
                }
            }
        }
        let chosen = passed.max { $0.throughput < $1.throughput }?.concurrency
        return BaselineAnswer.outcome(session, strategy: name, chosen: chosen, rule: "the passing level with the highest throughput")
    }
}
