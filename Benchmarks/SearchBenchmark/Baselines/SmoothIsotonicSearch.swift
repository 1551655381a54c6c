import Crest

import Foundation

/// AIPerf's smooth-isotonic SLA planner (docs/sweeping/find-max-passing-concurrency.md): bracket by
/// doubling, place 3 interior probes, make each constraint's margin (value/limit − 1) monotone with
/// PAVA, interpolate it between probes, take the largest concurrency where every margin is ≤ 0, probe
/// there, and refit once. Each probe runs a fixed number of requests (AIPerf's coarse precision:
/// 300). The answer is the highest probed level that passed at or below the root.
struct SmoothIsotonicSearch: SearchStrategy {
    let name = "aiperf-smooth-isotonic"
    let requestsPerProbe: Int

    init(requestsPerProbe: Int = 300) {
        self.requestsPerProbe = requestsPerProbe
    }

    func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome {
        var margins: [Int: Double] = [:]
        func probe(_ concurrency: Int, _ phase: String) async throws {
            guard margins[concurrency] == nil, !session.isExhausted else { return }
            let result = try await session.measure(concurrency, until: .requests(requestsPerProbe), phase: SearchPhase(rawValue: phase), reason: "SLA probe")
            margins[concurrency] = result.verdict.checks.map { $0.limit > 0 ? $0.observed.value / $0.limit - 1 : ($0.observed.value > 0 ? 1 : -1) }.max() ?? -1
        }
        var concurrency = 1
        try await probe(1, "bracket")
        guard margins[1]! <= 0 else { return BaselineAnswer.outcome(session, strategy: name, chosen: nil, rule: "") }
        while margins[concurrency]! <= 0, concurrency < session.limits.maxConcurrency, !session.isExhausted {
            concurrency = min(concurrency * 2, session.limits.maxConcurrency)
            try await probe(concurrency, "bracket")
        }
        if margins[concurrency]! <= 0 {
            return BaselineAnswer.outcome(session, strategy: name, chosen: concurrency, rule: "every probe passed")
        }
        let low = concurrency / 2
        for fraction in [0.25, 0.5, 0.75] {
            let interior = Int((Double(low) * pow(Double(concurrency) / Double(low), fraction)).rounded())
            if interior > low && interior < concurrency { try await probe(interior, "interior") }
        }
        for _ in 0..<2 {
            guard let root = root(of: margins), margins[root] == nil else { break }
            try await probe(root, "refine")
        }
        let chosen = margins.filter { $0.value <= 0 && $0.key <= (root(of: margins) ?? .max) }.map(\.key).max()
        return BaselineAnswer.outcome(session, strategy: name, chosen: chosen, rule: "the highest passing probe at or below the interpolated root")
    }

    /// The largest integer level where the isotonic, interpolated margin is at most 0.
    private func root(of margins: [Int: Double]) -> Int? {
        let levels = margins.keys.sorted()
        let monotone = Isotonic.regression(levels.map { margins[$0]! }, weights: levels.map { _ in 1 })
        guard let firstBroken = monotone.firstIndex(where: { $0 > 0 }) else { return levels.last }
        guard firstBroken > 0 else { return nil }
        let (x0, x1) = (Double(levels[firstBroken - 1]), Double(levels[firstBroken]))
        let (y0, y1) = (monotone[firstBroken - 1], monotone[firstBroken])
        let crossing = y1 > y0 ? x0 + (0 - y0) / (y1 - y0) * (x1 - x0) : x0
        return max(Int(crossing.rounded(.down)), levels[firstBroken - 1])
    }
}
