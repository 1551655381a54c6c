/// A fixed list of levels, each measured for a fixed count or time, judged by point estimates, and
/// the recommendation chosen by `LevelSelection`: the `--levels` mode, FMBench's way with Crest's
/// measurement and statistics.
public struct FixedListSearch: SearchStrategy {
    public let name = "fixed-list"
    public let levels: [Level]
    public let length: LevelLength
    public let selection: LevelSelection

    /// The levels Crest tries by default in this mode: powers of two from 1 to 128.
    public static let standardLevels = [1, 2, 4, 8, 16, 32, 64, 128].map(Level.init(concurrency:))

    public init(levels: [Level], length: LevelLength = .standard, selection: LevelSelection = LevelSelection()) {
        precondition(!levels.isEmpty, "a fixed list needs at least one level")
        self.levels = levels
        self.length = length
        self.selection = selection
    }

    public func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome {
        for level in levels where !session.isExhausted {
            try await session.measure(level.concurrency, until: length.stopRule(for: level), phase: .fixed, reason: "next level of the list")
        }
        let recommendation = selection.recommend(from: session.results)
        let stop: SearchStopReason
        if session.isExhausted && session.results.count < levels.count {
            stop = .budgetExhausted
        } else if recommendation?.isFeasible == false {
            stop = .noFeasibleLevel
        } else {
            stop = recommendation?.limit == .rangeEnd ? .feasibleUpToLimit : .converged
        }
        return session.outcome(strategy: name, recommendation: recommendation, stopReason: stop)
    }
}
