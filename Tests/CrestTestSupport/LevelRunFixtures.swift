import Crest

/// Hand-made level runs with known statistics.
public enum LevelRunFixtures {
    /// A run at `concurrency` whose measured requests have these latencies (seconds; nil for a
    /// 5xx failure), sent one every `spacing` seconds inside a window that holds exactly them.
    /// Warm-up and cool-down requests before and after repeat the same pattern, as a closed loop
    /// in steady state does, so exactly as many completions fall inside the window as requests were sent in it.
    public static func run(
        concurrency: Int, latencies: [Double?], spacing: Double = 0.1, ttftShare: Double = 0.1, completionTokens: Int = 101
    ) -> LevelRun {
        let start: Int64 = 1_000_000_000_000
        let step = Int64(spacing * 1e9)
        let count = latencies.count
        let longest = latencies.map { $0 ?? 0.05 }.max() ?? 0
        let padding = count == 0 ? 0 : Int((longest / spacing).rounded(.up)) + 1
        var samples: [Sample] = []
        for index in -padding..<(count + padding) where count > 0 {
            let latency = latencies[((index % count) + count) % count]
            let sent = start + Int64(index) * step
            let phase: Phase = index < 0 ? .warmup : index >= count ? .cooldown : .measured
            samples.append(Sample(
                level: concurrency, client: ((index % concurrency) + concurrency) % concurrency, seq: index + padding,
                promptIndex: index + padding, sentAt: sent, firstTokenAt: latency.map { sent + Int64($0 * ttftShare * 1e9) },
                finishedAt: sent + Int64((latency ?? 0.05) * 1e9), promptTokens: 1000,
                completionTokens: latency == nil ? 0 : completionTokens, tokensSource: latency == nil ? .estimate : .server,
                outcome: latency == nil ? .http5xx : .ok, phase: phase))
        }
        let end = start + Int64(count) * step
        return LevelRun(
            level: Level(concurrency: concurrency), samples: samples, startedAt: 0, windowStart: start, windowEnd: end,
            endedAt: samples.map(\.finishedAt).max() ?? end)
    }

    /// A level result whose throughput and e2e p95 are what the caller says.
    public static func result(concurrency: Int, transactionsPerMinute: Double, p95: Double, budget: Budget) -> LevelResult {
        // 100 requests: 94 at 0.9·p95 and 6 at p95, so the linear p95 (at rank 94.05) is exactly p95.
        let latencies: [Double?] = Array(repeating: p95 * 0.9, count: 94) + Array(repeating: p95, count: 6)
        let run = run(concurrency: concurrency, latencies: latencies, spacing: 60 / transactionsPerMinute)
        let summary = LevelSummary(run, confidence: 0.95)
        return LevelResult(summary: summary, verdict: budget.verdict(for: run, summary: summary, confidence: 0.95))
    }
}
