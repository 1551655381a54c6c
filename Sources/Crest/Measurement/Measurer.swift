/// Runs load at a level and returns what it measured. The search never knows whether time is
/// real or simulated: the live measurer sends HTTP requests, the simulated one runs a discrete-event
/// model of a serving engine.
public protocol Measurer: Sendable {
    /// Runs `level` until `rule` closes its measured window and every measured request has finished.
    func measure(_ level: Level, until rule: StopRule) async throws -> LevelRun

    /// The same, handing the level's finished requests to `journal` as they finish (at least once
    /// a second, and all of them before it returns or throws).
    func measure(_ level: Level, until rule: StopRule, journal: (any SampleJournal)?) async throws -> LevelRun

    /// Continues a sweep that measured `runs` before, each under its rule (`crest sweep
    /// --resume`): whatever the measurer's next level depends on, its clock above all, picks up
    /// where they left off.
    func resume(after runs: [(run: LevelRun, rule: StopRule)]) async throws
}

extension Measurer {
    /// A measurer whose levels take no wall-clock time to speak of (the simulator's virtual time)
    /// journals nothing: its level's samples are written when the level ends, a moment later.
    public func measure(_ level: Level, until rule: StopRule, journal: (any SampleJournal)?) async throws -> LevelRun {
        try await measure(level, until: rule)
    }

    /// A measurer whose levels depend on nothing before them has nothing to pick up.
    public func resume(after runs: [(run: LevelRun, rule: StopRule)]) async throws {}
}
