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
        /// Where the statistic and the error rate may truly be, by the truth's own samples: their
        /// 95% intervals, widened to take in each seed's own value (a level whose long-run state
        /// depends on its start, such as identical requests in step, differs between seeds by
        /// more than its samples say).
        let statisticLow: Double
        let statisticHigh: Double
        let errorRateLow: Double
        let errorRateHigh: Double

        /// The level as one reading of its intervals sees it.
        func read(_ reading: Reading) -> (statistic: Double, errorRate: Double) {
            switch reading {
            case .point: return (statistic, errorRate)
            case .optimistic: return (statisticLow, errorRateLow)
            case .pessimistic: return (statisticHigh, errorRateHigh)
            }
        }
    }

    /// Which values of the levels an answer is computed from.
    enum Reading { case point, optimistic, pessimistic }

    /// Why a profile's answer cannot be told from its neighbours' by a search (reported apart).
    enum Ambiguity: String, Codable {
        /// ../research/algorithms.md §3: the next level up is within 2% of the limit.
        case neighbourNearLimit
        /// ../research/algorithms.md §3: the next level up adds under 0.5% throughput.
        case neighbourGainsLittle
        /// The truth's own intervals admit answers more than 2% apart in throughput: reading every
        /// level at the low end of its interval gives another answer than at the high end.
        case truthUncertain
    }

    let profileID: Int
    let profile: Profile
    let limitSeconds: Double
    let maxErrorRate: Double
    let levels: [LevelTruth]
    let answer: Int?
    let ambiguities: [Ambiguity]

    var ambiguous: Bool { !ambiguities.isEmpty }

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
            func between(_ low: Double, _ high: Double) -> Double { low + weight * (high - low) }
            return LevelTruth(
                concurrency: concurrency, statistic: between(b.statistic, a.statistic), errorRate: between(b.errorRate, a.errorRate),
                throughput: between(b.throughput, a.throughput), statisticLow: between(b.statisticLow, a.statisticLow),
                statisticHigh: between(b.statisticHigh, a.statisticHigh), errorRateLow: between(b.errorRateLow, a.errorRateLow),
                errorRateHigh: between(b.errorRateHigh, a.errorRateHigh))
        case (let b?, nil):
            return LevelTruth(
                concurrency: concurrency, statistic: .infinity, errorRate: 1, throughput: b.throughput, statisticLow: .infinity,
                statisticHigh: .infinity, errorRateLow: 1, errorRateHigh: 1)
        default: return nil
        }
    }

    /// The best throughput of the truly feasible levels (within budget, with no infeasible level
    /// below them): "within 2%" is scored against it, not against the answer's own throughput,
    /// which is itself up to 2% below it.
    var bestFeasibleThroughput: Double? {
        var best: Double?
        for level in levels {
            guard isFeasible(level) else { break }
            best = max(best ?? 0, level.throughput)
        }
        return best
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
        func measure(_ n: Int, requestCount: Int) throws -> (samplesBySeed: [[Sample]], throughput: Double) {
            var bySeed: [[Sample]] = []
            var completions = 0
            var window = 0.0
            for seed in 0..<seeds {
                let level = try simulate(
                    endpoint: endpoint, level: Level(concurrency: n), rule: .requests(requestCount), prompts: prompts,
                    requestTimeoutSeconds: 600, seed: derivedSeed(0x7E57, UInt64(profile.id), UInt64(n), UInt64(seed)))
                let run = level.run
                bySeed.append(run.measured)
                // Over the same span as the window's length: after any transient MSER-5 left out.
                completions += run.samples.count { $0.outcome.isSuccess && $0.finishedAt > run.statisticsStart && $0.finishedAt <= run.windowEnd }
                window += run.windowSeconds
            }
            return (bySeed, Double(completions) / window)
        }
        // The statistic and the error rate, each with its 95% interval, as the budget's verdict reports them.
        let budget = Budget(latency: [profile.constraint(limitSeconds: 1)], maxErrorRate: GroundTruth.maxErrorRate)
        func statistics(_ samples: [Sample]) -> (statistic: Estimate, errorRate: Estimate) {
            let run = LevelRun(level: Level(concurrency: 1), samples: samples, startedAt: 0, windowStart: 0, windowEnd: 1, endedAt: 1)
            let checks = budget.verdict(for: run, summary: LevelSummary(run, confidence: 0.95), confidence: 0.95).checks
            return (checks[0].observed, checks[1].observed)
        }
        func truth(_ n: Int, requestCount: Int) throws -> GroundTruth.LevelTruth {
            let (bySeed, throughput) = try measure(n, requestCount: requestCount)
            let (statistic, errorRate) = statistics(bySeed.flatMap { $0 })
            let seedValues = bySeed.map(statistics)
            func low(_ pooled: Estimate, _ seeds: [Double]) -> Double { min(pooled.lower ?? pooled.value, seeds.min() ?? pooled.value) }
            func high(_ pooled: Estimate, _ seeds: [Double]) -> Double { max(pooled.upper ?? pooled.value, seeds.max() ?? pooled.value) }
            return GroundTruth.LevelTruth(
                concurrency: n, statistic: statistic.value, errorRate: errorRate.value, throughput: throughput,
                statisticLow: low(statistic, seedValues.map(\.statistic.value)), statisticHigh: high(statistic, seedValues.map(\.statistic.value)),
                errorRateLow: low(errorRate, seedValues.map(\.errorRate.value)), errorRateHigh: high(errorRate, seedValues.map(\.errorRate.value)))
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
        return GroundTruth(
            profileID: profile.id, profile: profile, limitSeconds: limit, maxErrorRate: GroundTruth.maxErrorRate, levels: levels,
            answer: final, ambiguities: ambiguities(levels, answer: final, limit: limit))
    }

    static func ambiguities(_ levels: [GroundTruth.LevelTruth], answer: Int?, limit: Double) -> [GroundTruth.Ambiguity] {
        var found: [GroundTruth.Ambiguity] = []
        func level(_ n: Int) -> GroundTruth.LevelTruth? { levels.first { $0.concurrency == n } }
        if let answer, let next = level(answer + 1), let current = level(answer) {
            if abs(next.statistic - limit) < 0.02 * limit { found.append(.neighbourNearLimit) }
            if next.throughput / current.throughput < 1.005 { found.append(.neighbourGainsLittle) }
        }
        let throughputs = [GroundTruth.Reading.optimistic, .pessimistic].map { reading in
            Self.answer(levels, limit: limit, reading: reading).flatMap(level).map(\.throughput) ?? 0
        }
        if throughputs.min()! < (1 - GroundTruth.tolerance) * throughputs.max()! { found.append(.truthUncertain) }
        return found
    }

    /// The objective over measured levels: feasible levels are those whose statistic and error rate
    /// are within budget and that have no infeasible level below them (latency rises with load);
    /// the answer is the smallest whose throughput is within 2% of the best of them.
    static func answer(_ levels: [GroundTruth.LevelTruth], limit: Double, reading: GroundTruth.Reading = .point) -> Int? {
        var feasible: [GroundTruth.LevelTruth] = []
        for level in levels.sorted(by: { $0.concurrency < $1.concurrency }) {
            let (statistic, errorRate) = level.read(reading)
            guard statistic <= limit && errorRate <= GroundTruth.maxErrorRate else { break }
            feasible.append(level)
        }
        guard let best = feasible.map(\.throughput).max() else { return nil }
        return feasible.first { $0.throughput >= (1 - GroundTruth.tolerance) * best }?.concurrency
    }
}
