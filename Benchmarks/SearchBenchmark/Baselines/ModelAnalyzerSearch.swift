import Crest

/// Triton Model Analyzer's concurrency search (model_analyzer: config/generate/perf_analyzer_config_generator.py,
/// result/parameter_search.py): powers of two from 1, each level measured by perf_analyzer's
/// stability windows; stop when the best throughput of the last 4 levels gains under 5% over the
/// first of them, or when a level breaks a constraint, then bisect between the last pass and the
/// first failure for at most 5 steps. The answer is the passing level with the highest throughput.
struct ModelAnalyzerSearch: SearchStrategy {
    let name = "model-analyzer"

    init() {}

    func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome {
        let rule = StopRule.stable(StabilityRule(latency: BaselineAnswer.stabilityStatistic(session.budget)))
        var passed: [(concurrency: Int, throughput: Double)] = []
        var throughputs: [Double] = []
        var concurrency = 1
        var failure: Int?
        while concurrency <= session.limits.maxConcurrency, !session.isExhausted {
            let result = try await session.measure(concurrency, until: rule, phase: SearchPhase(rawValue: "sweep"), reason: "powers of two")
            throughputs.append(result.summary.transactionsPerMinute.value)
            guard result.verdict.isFeasible else {
                failure = concurrency
                break
            }
            passed.append((concurrency, result.summary.transactionsPerMinute.value))
            // THROUGHPUT_MINIMUM_GAIN = 0.05 over the last 4 measurements.
            if throughputs.count >= 4, throughputs.suffix(4).max()! < 1.05 * throughputs.suffix(4).first! { break }
            concurrency *= 2
        }
        if var high = failure, var low = passed.last?.concurrency {
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
