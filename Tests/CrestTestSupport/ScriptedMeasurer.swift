import Crest

/// A measurer that replays prepared level runs: the test double the sweep runner is tested with.
public actor ScriptedMeasurer: Measurer {
    private let runs: [Int: LevelRun]
    public private(set) var requested: [(Level, StopRule)] = []

    public init(runs: [LevelRun]) {
        self.runs = Dictionary(uniqueKeysWithValues: runs.map { ($0.level.concurrency, $0) })
    }

    public func measure(_ level: Level, until rule: StopRule) throws -> LevelRun {
        requested.append((level, rule))
        guard let run = runs[level.concurrency] else { throw ScriptError.noRun(level.concurrency) }
        return run
    }

    public enum ScriptError: Error { case noRun(Int) }
}
