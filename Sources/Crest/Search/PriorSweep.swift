import Foundation

/// An earlier sweep of the same target and dataset that a new search starts from
/// (`crest sweep --prior`): its answer under the new budget, the level above that answer that broke
/// the budget, and what it measured at each, so the new search can tell whether the endpoint still
/// behaves as it did and, when it does, pool the earlier requests into the answer's confirmation.
/// The regression use: a re-test after a deploy.
public struct PriorSweep: Sendable {
    /// Where the earlier sweep's results are, for what the search says.
    public let folder: String
    /// The earlier sweep's answer under the new budget.
    public let answer: Int
    /// The lowest level the earlier sweep measured above its answer that clearly broke the new
    /// budget (certified or likely, not borderline: a level at the limit lands on either side by
    /// chance); nil when none did (its answer was the plateau's, or the end of the range).
    public let neighbour: Int?
    /// What limited the earlier sweep's answer under the new budget: the level above that broke
    /// it, or the plateau.
    public let limit: RecommendationLimit?
    /// Each level the earlier sweep measured, judged under the new budget (its most informative run).
    public let levels: [Int: LevelResult]
    /// Its runs, by concurrency.
    public let runs: [Int: [LevelRun]]

    /// - Parameters:
    ///   - answer: the earlier sweep's answer under `budget`.
    ///   - results: its runs judged under `budget`, in the order measured.
    public init(folder: String, answer: Int, limit: RecommendationLimit? = nil, runs: [LevelRun], results: [LevelResult]) {
        self.folder = folder
        self.answer = answer
        self.limit = limit
        let levels = Dictionary(results.mostInformativePerLevel.map { ($0.concurrency, $0) }, uniquingKeysWith: { $1 })
        self.levels = levels
        self.runs = Dictionary(grouping: runs, by: \.level.concurrency)
        neighbour = levels.values.filter { $0.concurrency > answer && !$0.verdict.isFeasible && !$0.verdict.isBorderline }.map(\.concurrency).min()
    }

    /// True when the earlier sweep's level `concurrency` broke the budget by less than a quarter of
    /// a limit by its point estimates: a change too small for the answer's own measurements to
    /// show could turn it, so a warm start measures it again. A level further over stays over
    /// unless the answer's latency moves by a fifth or more, which its comparison shows.
    public func brokeNarrowly(_ concurrency: Int) -> Bool {
        guard let level = levels[concurrency] else { return false }
        return level.verdict.checks.allSatisfy { $0.ratioToLimit <= Self.narrowBreach }
    }

    static let narrowBreach = 1.25

    /// The earlier sweep's measured requests at `concurrency` counted against each latency
    /// constraint of `budget`, in its order: those over the limit (failures included) among those
    /// with a value. What a confirmation there pools in, as it pools its own level's earlier runs.
    public func exceedances(at concurrency: Int, budget: Budget) -> [(over: Int, judged: Int)] {
        let measured = (runs[concurrency] ?? []).flatMap(\.samples).filter { $0.phase == .measured }
        return budget.latency.map { constraint in
            measured.reduce((over: 0, judged: 0)) { count, sample in
                guard let value = sample.budgetValue(of: constraint.metric) else { return count }
                return (count.over + (value > constraint.limitSeconds ? 1 : 0), count.judged + 1)
            }
        }
    }

    /// The failures of every level the earlier sweep measured, for pooling into the error ceiling
    /// of a search that found the endpoint unchanged.
    public var failureLevels: [FailureEvidence.Level] {
        runs.values.flatMap { $0 }.map { run in
            FailureEvidence.Level(concurrency: run.level.concurrency, failures: run.samples.count { !$0.outcome.isSuccess }, requests: run.samples.count)
        }
    }

    /// How `now`, a new measurement of `concurrency`, differs from the earlier sweep's: nil when
    /// it does not beyond the noise of the two, else what changed, in a sentence.
    ///
    /// The comparison is of mean end-to-end latency (a level's throughput is its concurrency over
    /// it, by Little's law) and of mean time per output token, which the spread of answer lengths
    /// leaves far steadier on chat workloads (a screening's mean latency there is ±14%): a shift
    /// past three combined standard errors and past 5%. A 20% loss of capacity (a quarter more
    /// time per step) clears that; noise between two runs of an unchanged endpoint rarely does.
    /// A level that met the budget before and breaks it now, or the other way round, neither time
    /// borderline, has changed whatever the means say.
    public func change(at concurrency: Int, now: LevelResult) -> String? {
        guard let before = levels[concurrency] else { return nil }
        if before.verdict.isFeasible != now.verdict.isFeasible, !before.verdict.isBorderline, !now.verdict.isBorderline {
            let what = now.verdict.isFeasible ? "meets it now" : "breaks it now (\(now.verdict.breaches.joined(separator: "; ")))"
            return "\(concurrency) \(before.verdict.isFeasible ? "met" : "broke") the budget in \(folder) and \(what)"
        }
        let compared: [(String, KeyPath<LevelSummary, DistributionSummary?>)] = [("mean latency", \.latency), ("mean time per output token", \.tpot)]
        for (name, statistic) in compared {
            guard let old = before.summary[keyPath: statistic]?.mean, let new = now.summary[keyPath: statistic]?.mean, old.value > 0, new.value > 0 else { continue }
            let shift = new.value / old.value - 1
            // Relative standard errors, ±20% standing in for a missing bound, as the throughput model reads them.
            let noise = (pow(old.standardError(orShare: 0.2) / old.value, 2) + pow(new.standardError(orShare: 0.2) / new.value, 2)).squareRoot()
            guard abs(shift) > max(Self.shiftInNoise * noise, Self.smallestShift) else { continue }
            return "\(name) at \(concurrency) \(shift > 0 ? "rose" : "fell") \(NumberFormatting.significant(abs(shift) * 100, digits: 2))% "
                + "since \(folder) (\(NumberFormatting.duration(seconds: old.value)) to \(NumberFormatting.duration(seconds: new.value))), "
                + "past its noise (±\(NumberFormatting.significant(noise * 100, digits: 2))%)"
        }
        return nil
    }

    static let shiftInNoise = 3.0
    static let smallestShift = 0.05
}

