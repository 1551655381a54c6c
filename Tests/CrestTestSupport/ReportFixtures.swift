import Crest
import Foundation
import CrestReport

/// Report inputs built from hand-made levels, for the report and plot tests.
public enum ReportFixtures {
    /// A fixed-list sweep's report input: one level per (concurrency, seconds between sends,
    /// latency); each level's requests take 0.9 × latency, except the slowest 6% at latency, so the
    /// p95 sits near 0.9 × latency.
    /// `failuresAtLast` of the last level's requests fail with a 5xx.
    public static func input(levels points: [(Int, Double, Double)], budgetSeconds: Double = 10, failuresAtLast: Int = 0) throws -> SweepReportInput {
        try inputAndRuns(levels: points, budgetSeconds: budgetSeconds, failuresAtLast: failuresAtLast).input
    }

    /// The same, with the level runs it was computed from (for the plots of single requests).
    public static func inputAndRuns(
        levels points: [(Int, Double, Double)], budgetSeconds: Double = 10, failuresAtLast: Int = 0
    ) throws -> (input: SweepReportInput, runs: [LevelRun]) {
        var runs: [LevelRun] = []
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=\(Int(budgetSeconds))s")], maxErrorRate: 0.01)
        let levels = points.enumerated().map { levelIndex, point -> LevelResult in
            let failures = levelIndex == points.count - 1 ? failuresAtLast : 0
            let (concurrency, spacing, latency) = point
            let latencies: [Double?] = Array(repeating: latency * 0.9, count: 94) + Array(repeating: latency, count: 6)
            var samples: [Sample] = []
            for (index, value) in latencies.enumerated() {
                let sent = Int64(Double(index) * spacing * 1e9)
                samples.append(Sample(
                    level: concurrency, client: index % concurrency, seq: index, promptIndex: index, sentAt: sent,
                    firstTokenAt: sent + Int64(value! * 0.1e9), finishedAt: sent + Int64(value! * 1e9), promptTokens: 1600,
                    completionTokens: 60, tokensSource: .server, outcome: index >= latencies.count - failures ? .http5xx : .ok, phase: .measured))
            }
            let run = LevelRun(
                level: Level(concurrency: concurrency), samples: samples, startedAt: 0, windowStart: 0,
                windowEnd: Int64(Double(latencies.count) * spacing * 1e9), endedAt: samples.last!.finishedAt)
            runs.append(run)
            let summary = LevelSummary(run, confidence: 0.95)
            return LevelResult(summary: summary, verdict: budget.verdict(for: run, summary: summary, confidence: 0.95))
        }
        let dataset = try DatasetLoader().parse(Data("{\"inputs\": \"x\"}\n".utf8), path: "datasets/en_1000-2000.jsonl")
        let method = SweepMethod.fixed(levels: points.map { Level(concurrency: $0.0) }, length: .standard)
        let manifest = RunManifest(
            target: Target(name: "sim:test", kind: .simulator, model: "claude", instanceLabel: "ClaudeInstant-ODT", pricing: .perToken(usdPer1kInput: 0.0008, usdPer1kOutput: 0.0024)),
            dataset: dataset, budget: budget,
            settings: RunManifest.Settings(method: method, seed: 1, confidence: 0.95, requestTimeoutSeconds: 100, maxOutputTokens: nil),
            startedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let steps = levels.enumerated().map { index, level in
            SearchStep(
                step: index + 1, concurrency: level.concurrency, phase: .fixed, reason: "next level of the list", prediction: nil, test: .requests(200),
                verdict: StepVerdict(level.verdict), transactionsPerMinute: level.summary.transactionsPerMinute.value,
                observed: ObservedStatistic.all(level.verdict), measuredRequests: level.summary.requests,
                requestsSent: level.summary.requests, cumulativeRequests: 100 * (index + 1), cumulativeSeconds: 0, feasibleBelow: nil, infeasibleAbove: nil)
        }
        let recommendation = LevelSelection().recommend(from: levels)
        let outcome = SearchOutcome(
            strategy: "fixed-list", levels: levels, recommendation: recommendation, steps: steps,
            stopReason: recommendation?.isFeasible == true ? .converged : .noFeasibleLevel, totals: SweepTotals())
        let input = SweepReportInput(
            manifest: manifest, experimentName: "claude-instant-v1", outcome: outcome,
            generatedAt: Date(timeIntervalSince1970: 1_700_000_000))
        return (input, runs)
    }
}
