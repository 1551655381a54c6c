@testable import Crest

/// Hand-made level runs with known statistics.
enum LevelRunFixtures {
    /// A run at `concurrency` whose measured requests have these latencies (seconds; nil for a
    /// 5xx failure), sent one every `spacing` seconds inside a window that holds exactly them.
    static func run(
        concurrency: Int, latencies: [Double?], spacing: Double = 0.1, ttftShare: Double = 0.1, completionTokens: Int = 101
    ) -> LevelRun {
        let start: Int64 = 1_000_000_000
        let step = Int64(spacing * 1e9)
        var samples: [Sample] = []
        for (index, latency) in latencies.enumerated() {
            let sent = start + Int64(index) * step
            let finished = sent + Int64((latency ?? 0.05) * 1e9)
            samples.append(Sample(
                level: concurrency, client: index % concurrency, seq: index / concurrency, promptIndex: index,
                sentAt: sent, firstTokenAt: latency.map { sent + Int64($0 * ttftShare * 1e9) }, finishedAt: finished,
                promptTokens: 1000, completionTokens: latency == nil ? 0 : completionTokens,
                tokensSource: latency == nil ? .estimate : .server, outcome: latency == nil ? .http5xx : .ok, phase: .measured))
        }
        let end = start + Int64(latencies.count) * step
        return LevelRun(
            level: Level(concurrency: concurrency), samples: samples, startedAt: 0, windowStart: start, windowEnd: end,
            endedAt: samples.map(\.finishedAt).max() ?? end)
    }

    /// A level result whose throughput and e2e p95 are what the caller says.
    static func result(concurrency: Int, transactionsPerMinute: Double, p95: Double, budget: Budget) -> LevelResult {
        // 100 requests: 94 at 0.9·p95 and 6 at p95, so the linear p95 (at rank 94.05) is exactly p95.
        let latencies: [Double?] = Array(repeating: p95 * 0.9, count: 94) + Array(repeating: p95, count: 6)
        let run = run(concurrency: concurrency, latencies: latencies, spacing: 60 / transactionsPerMinute)
        let summary = LevelSummary(run, confidence: 0.95)
        return LevelResult(summary: summary, verdict: budget.verdict(for: run, summary: summary, confidence: 0.95))
    }
}
