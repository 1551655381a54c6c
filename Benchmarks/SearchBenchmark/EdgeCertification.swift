import Crest
import CrestSimulator
import Foundation

/// How often a level whose true statistic sits exactly on its limit is certified feasible: the
/// error rate "certified" promises (at most 5%), measured on the simulator's batching engines,
/// whose requests share batches, prefill stalls and queue states, rather than assumed from a
/// binomial. Profiles are drawn from their own seed (held out: no rule of the search was tuned on
/// them); each is judged at one level by the confirmation the search would run there.
struct EdgeCase: Sendable {
    let profile: Profile
    let concurrency: Int
    /// The level's statistic from a long run: the limit that puts it exactly on the edge.
    let limitSeconds: Double

    var constraint: LatencyConstraint { profile.constraint(limitSeconds: limitSeconds) }
}

struct EdgeOutcome: Sendable {
    let edge: EdgeCase
    let certified: Int
    let likely: Int
    let runs: Int
    let medianRequests: Int
}

enum EdgeCertification {
    static let profileSeed: UInt64 = 0xED6E
    static let firstProfileID = 10_000
    /// Requests that place the limit, over `truthSeeds` runs: the p95's exceedance share from them
    /// is within about ±0.3 points of the truth at a design effect of 2 (two standard errors).
    static let truthRequests = 40_000
    static let truthSeeds = 10

    /// `count` held-out profiles, each at one of a few levels, with the limit at its long-run statistic.
    static func cases(count: Int, jobs: Int) async throws -> [EdgeCase] {
        let profiles = Profile.generate(count: count, seed: profileSeed, firstID: firstProfileID)
        let found = try await parallelMap(profiles, jobs: jobs) { profile -> EdgeCase? in
            let levels = [2, 8, 24, 64]
            let concurrency = levels[Int(derivedSeed(profileSeed, UInt64(profile.id)) % UInt64(levels.count))]
            // Pooled over independent runs, as a confirmation starts its own: some levels' long-run
            // state depends on their start (identical requests that meet in one prefill step stay in
            // step), and one long run would place the limit in one of those states.
            let budget = Budget(latency: [profile.constraint(limitSeconds: 1)], maxErrorRate: nil)
            var pooled: [Sample] = []
            for seed in 0..<truthSeeds {
                let simulated = try simulate(
                    endpoint: profile.endpoint, level: Level(concurrency: concurrency), rule: .requests(truthRequests / truthSeeds),
                    prompts: profile.prompts, requestTimeoutSeconds: 600, seed: derivedSeed(0xED6E7, UInt64(profile.id), UInt64(seed)))
                pooled += simulated.run.measuredInSendOrder
            }
            let run = LevelRun(level: Level(concurrency: concurrency), samples: pooled, startedAt: 0, windowStart: 0, windowEnd: 1, endedAt: 1)
            let statistic = budget.verdict(for: run, summary: LevelSummary(run, confidence: 0.95), confidence: 0.95).checks[0].observed.value
            // A percentile made infinite by failures has no edge to sit on.
            guard statistic.isFinite, statistic > 0 else { return nil }
            return EdgeCase(profile: profile, concurrency: concurrency, limitSeconds: statistic)
        }
        return found.compactMap { $0 }
    }

    /// Runs the confirmation of each case `seeds` times.
    static func run(_ cases: [EdgeCase], seeds: Int, jobs: Int) async throws -> [EdgeOutcome] {
        let runs = cases.flatMap { edge in (1...seeds).map { (edge, UInt64($0)) } }
        let decisions = try await parallelMap(runs, jobs: jobs) { job -> (Int, LevelDecision?, Int) in
            let (edge, seed) = job
            let dataset = Dataset(name: edge.profile.workload, path: "", format: .plainText, prompts: edge.profile.prompts, fingerprint: "")
            let measurer = SimulatedMeasurer(
                endpoint: edge.profile.endpoint, dataset: dataset, seed: derivedSeed(0xED6E5, UInt64(edge.profile.id), seed),
                requestTimeoutSeconds: max(10 * edge.limitSeconds, 300))
            let level = Level(concurrency: edge.concurrency)
            let budget = Budget(latency: [edge.constraint], maxErrorRate: nil)
            let run = try await measurer.measure(level, until: .sequential(.confirmation(budget, level: level)))
            return (edge.profile.id, run.decision, run.measuredInSendOrder.count)
        }
        return cases.map { edge in
            let mine = decisions.filter { $0.0 == edge.profile.id }
            let feasible = mine.compactMap(\.1).filter(\.isFeasible)
            let requests = mine.map(\.2).sorted()
            return EdgeOutcome(
                edge: edge, certified: feasible.count { $0.certainty == .certified }, likely: feasible.count { $0.certainty == .likely },
                runs: mine.count, medianRequests: requests[requests.count / 2])
        }
    }

    static func table(_ outcomes: [EdgeOutcome]) -> String {
        var lines = [
            "Certification at the limit: \(outcomes.count) held-out profiles, each at one level whose true statistic is the limit",
            "(from \(truthRequests) requests over \(truthSeeds) runs), confirmed \(outcomes.first?.runs ?? 0) times; \"certified\" may call it feasible at most 5% of the time",
            "",
            "| Profile | N | Limit | Certified | Likely | Median requests |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for outcome in outcomes {
            lines.append(
                "| \(outcome.edge.profile.label) | \(outcome.edge.concurrency) | \(String(format: "%.4g", outcome.edge.limitSeconds)) s | "
                    + "\(percent(outcome.certified, of: outcome.runs)) | \(percent(outcome.likely, of: outcome.runs)) | \(outcome.medianRequests) |")
        }
        lines.append("")
        func summary(_ title: String, _ selected: [EdgeOutcome]) {
            guard !selected.isEmpty else { return }
            let runs = selected.reduce(0) { $0 + $1.runs }
            let certified = selected.reduce(0) { $0 + $1.certified }
            let likely = selected.reduce(0) { $0 + $1.likely }
            let interval = clopperPearson(successes: certified, trials: runs, confidence: 0.95)
            lines.append(
                "\(title): certified \(percent(certified, of: runs)) (95% interval \(String(format: "%.1f", 100 * interval.lower!))–\(String(format: "%.1f", 100 * interval.upper!))%), "
                    + "likely \(percent(likely, of: runs)), over \(runs) confirmations of \(selected.count) levels")
        }
        summary("Percentile budgets", outcomes.filter { $0.edge.profile.metric.contains(".p") })
        summary("Mean budgets", outcomes.filter { $0.edge.profile.metric.hasSuffix(".mean") })
        summary("All", outcomes)
        return lines.joined(separator: "\n")
    }

    private static func percent(_ count: Int, of total: Int) -> String { String(format: "%.1f%%", 100 * Double(count) / Double(max(total, 1))) }
}
