import Crest

/// GuideLLM's goodput profile (src/guidellm/benchmark/profiles/goodput.py, PR #1086): start at 4
/// streams, double until a probe fails SLO attainment (halve toward 1 if the first fails), then
/// bisect until worst − best ≤ max(1, 10%·best), at most 15 probes. Each probe runs a fixed number of
/// requests; its verdict is the point estimate (GuideLLM computes a Wilson interval but still uses
/// an unresolved probe as a bracket bound). The answer is the best passing level.
struct GoodputSearch: SearchStrategy {
    let name = "guidellm-goodput"
    let requestsPerProbe: Int

    init(requestsPerProbe: Int = 300) {
        self.requestsPerProbe = requestsPerProbe
    }

    func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome {
        var probes = 0
        func passes(_ concurrency: Int, _ phase: String) async throws -> Bool {
            probes += 1
            return try await session.measure(concurrency, until: .requests(requestsPerProbe), phase: SearchPhase(rawValue: phase), reason: "goodput probe").verdict.isFeasible
        }
        let limit = session.limits.maxConcurrency
        var best: Int?
        var worst: Int?
        var concurrency = min(4, limit)
        if try await passes(concurrency, "start") {
            best = concurrency
            while worst == nil, concurrency < limit, probes < 15, !session.isExhausted {
                concurrency = min(concurrency * 2, limit)
                if try await passes(concurrency, "double") { best = concurrency } else { worst = concurrency }
            }
        } else {
            worst = concurrency
            while best == nil, concurrency > 1, probes < 15, !session.isExhausted {
                concurrency = max(concurrency / 2, 1)
                if try await passes(concurrency, "halve") { best = concurrency } else { worst = concurrency }
            }
        }
        while var low = best, var high = worst, high - low > max(1, low / 10), probes < 15, !session.isExhausted {
            let middle = (low + high) / 2
            if try await passes(middle, "bisect") { low = middle } else { high = middle }
            best = low
            worst = high
        }
        return BaselineAnswer.outcome(session, strategy: name, chosen: best, rule: "the best level that passed")
    }
}
