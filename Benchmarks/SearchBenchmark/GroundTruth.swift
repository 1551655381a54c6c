import Crest
import CrestSimulator
import Foundation

/// The true statistics of a profile at each level, from long runs pooled over seeds, and the true
/// answer under Crest's objective: the smallest feasible level whose throughput is within 2% of the
/// best feasible (../research/algorithms.md §2.2, §3).
struct GroundTruth: Codable {
    struct LevelTruth: Codable {
        let concurrency: Int
        let statistic: Double
        let errorRate: Double
        let throughput: Double
    }

    let profileID: Int
    let profile: Profile
    let limitSeconds: Double
    let maxErrorRate: Double
    let levels: [LevelTruth]
    let answer: Int?
    let ambiguous: Bool

    static let tolerance = 0.02
    static let maxErrorRate = 0.01

    func truth(at concurrency: Int) -> LevelTruth? {
        if let exact = levels.first(where: { $0.concurrency == concurrency }) { return exact }
        // Between measured levels: the neighbours bracket it (statistics rise with load).
        let below = levels.last { $0.concurrency < concurrency }
        let above = levels.first { $0.concurrency > concurrency }
        switch (below, above) {
        case (let b?, let a?):
            let weight = Double(concurrency - b.concurrency) / Double(a.concurrency - b.concurrency)
            return LevelTruth(
                concurrency: concurrency, statistic: b.statistic + weight * (a.statistic - b.statistic),
                errorRate: b.errorRate + weight * (a.errorRate - b.errorRate), throughput: b.throughput + weight * (a.throughput - b.throughput))
        case (let b?, nil): return LevelTruth(concurrency: concurrency, statistic: .infinity, errorRate: 1, throughput: b.throughput)
        default: return nil
        }
    }

    func isFeasible(_ level: LevelTruth) -> Bool {
        level.statistic <= limitSeconds && level.errorRate <= maxErrorRate
    }
}

/// Computes ground truth by simulation: the budget from one client, a coarse pass at ⌈√2ᵏ⌉, then
/// every integer level around the coarse answer, each pooled over seeds.
enum GroundTruthBuilder {
    static let maxConcurrency = 512

    static func build(_ profile: Profile, requests: Int, seeds: Int) throws -> GroundTruth {
        let endpoint = profile.endpoint
        let prompts = profile.prompts
        func measure(_ n: Int, requestCount: Int) throws -> (samples: [Sample], throughput: Double) {
            var pooled: [Sample] = []
            var completions = 0
            var window = 0.0
            for seed in 0..<seeds {
                let level = try simulate(
                    endpoint: endpoint, level: Level(concurrency: n), rule: .requests(requestCount), prompts: prompts,
                    requestTimeoutSeconds: 600, seed: derivedSeed(0x7E57, UInt64(profile.id), UInt64(n), UInt64(seed)))
                let run = level.run
                pooled += run.measured
                completions += run.samples.count { $0.outcome.isSuccess && $0.finishedAt > run.windowStart && $0.finishedAt <= run.windowEnd }
                window += run.windowSeconds
            }
            return (pooled, Double(completions) / window)
        }
        let unboundedConstraint = profile.constraint(limitSeconds: 1)
        func statistic(_ samples: [Sample]) -> Double {
            let budget = Budget(latency: [unboundedConstraint], maxErrorRate: nil)
            let run = LevelRun(level: Level(concurrency: 1), samples: samples, startedAt: 0, windowStart: 0, windowEnd: 1, endedAt: 1)
            return budget.verdict(for: run, summary: LevelSummary(run, confidence: 0.95), confidence: 0.95).checks[0].observed.value
        }
        func truth(_ n: Int, requestCount: Int) throws -> GroundTruth.LevelTruth {
            let (samples, throughput) = try measure(n, requestCount: requestCount)
            let errors = samples.count { !$0.outcome.isSuccess }
            return GroundTruth.LevelTruth(
                concurrency: n, statistic: statistic(samples), errorRate: Double(errors) / Double(max(samples.count, 1)), throughput: throughput)
        }

        let one = try truth(1, requestCount: requests)
        let limit = profile.budgetMultiple * one.statistic
        var coarse: [GroundTruth.LevelTruth] = [one]
        var k = 1
        while true {
            let n = Int(pow(2, Double(k) / 2).rounded(.up))
            k += 1
            guard n <= maxConcurrency else { break }
            if n == coarse.last!.concurrency { continue }
            let level = try truth(n, requestCount: requests / 2)
            coarse.append(level)
            // Past the budget with margin: nothing above can be the answer.
            if level.statistic > 1.3 * limit || level.errorRate > 3 * GroundTruth.maxErrorRate { break }
        }
        let coarseAnswer = answer(coarse, limit: limit)
        var levels = coarse
        if let estimate = coarseAnswer ?? coarse.last?.concurrency {
            let low = max(1, Int(Double(estimate) * 0.6))
            let high = min(maxConcurrency, Int((Double(estimate) * 1.6).rounded(.up)) + 2)
            var fine: [GroundTruth.LevelTruth] = []
            for n in low...high { fine.append(try truth(n, requestCount: requests)) }
            levels = (coarse.filter { $0.concurrency < low || $0.concurrency > high } + fine).sorted { $0.concurrency < $1.concurrency }
        }
        var final = answer(levels, limit: limit)
        // The coarse pass can misplace the fine one (a noisy coarse level below the answer cuts the
        // feasible run short): measure every level next to the final answer too, until it settles.
        while let settled = final {
            let measured = Set(levels.map(\.concurrency))
            let neighbourhood = max(1, Int(Double(settled) * 0.85))...min(maxConcurrency, Int(Double(settled) * 1.2) + 2)
            let missing = neighbourhood.filter { !measured.contains($0) }
            guard !missing.isEmpty else { break }
            for n in missing { levels.append(try truth(n, requestCount: requests)) }
            levels.sort { $0.concurrency < $1.concurrency }
            final = answer(levels, limit: limit)
        }
        var ambiguous = false
        if let final, let next = levels.first(where: { $0.concurrency == final + 1 }), let current = levels.first(where: { $0.concurrency == final }) {
            ambiguous = abs(next.statistic - limit) < 0.02 * limit || next.throughput / current.throughput < 1.005
        }
        return GroundTruth(
            profileID: profile.id, profile: profile, limitSeconds: limit, maxErrorRate: GroundTruth.maxErrorRate, levels: levels,
            answer: final, ambiguous: ambiguous)
    }

    /// The objective over measured levels: feasible levels are those whose statistic and error rate
    /// are within budget and that have no infeasible level below them (latency rises with load);
    /// the answer is the smallest whose throughput is within 2% of the best of them.
    static func answer(_ levels: [GroundTruth.LevelTruth], limit: Double) -> Int? {
        var feasible: [GroundTruth.LevelTruth] = []
        for level in levels.sorted(by: { $0.concurrency < $1.concurrency }) {
            guard level.statistic <= limit && level.errorRate <= GroundTruth.maxErrorRate else { break }
            feasible.append(level)
        }
        guard let best = feasible.map(\.throughput).max() else { return nil }
        return feasible.first { $0.throughput >= (1 - GroundTruth.tolerance) * best }?.concurrency
    }
}
