import Crest

/// perf_analyzer's `--binary-search` over [1, max concurrency] (src/inference_profiler.h): the start
/// must pass and the end must fail, then bisect while end − start > 1 (step 1), each level measured
/// by its stability windows. The answer is the highest passing level.
struct BinarySearch: SearchStrategy {
    let name = "perf-analyzer-binary"

    init() {}

    func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome {
        let rule = StopRule.stable(StabilityRule(latency: BaselineAnswer.stabilityStatistic(session.budget)))
        let start = try await session.measure(1, until: rule, phase: SearchPhase(rawValue: "start"), reason: "the start must pass")
        guard start.verdict.isFeasible else { return BaselineAnswer.outcome(session, strategy: name, chosen: nil, rule: "") }
        var low = 1
        var high = session.limits.maxConcurrency
        let end = try await session.measure(high, until: rule, phase: SearchPhase(rawValue: "end"), reason: "the end must fail")
        if end.verdict.isFeasible {
            return BaselineAnswer.outcome(session, strategy: name, chosen: high, rule: "the end passed")
        }
        while high - low > 1, !session.isExhausted {
            let middle = (low + high) / 2
            let result = try await session.measure(middle, until: rule, phase: SearchPhase(rawValue: "bisect"), reason: "binary search")
            if result.verdict.isFeasible { low = middle } else { high = middle }
        }
        return BaselineAnswer.outcome(session, strategy: name, chosen: low, rule: "the highest level that passed")
    }
}
