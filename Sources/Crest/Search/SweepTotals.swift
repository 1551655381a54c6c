/// What a sweep sent and how long it took.
public struct SweepTotals: Sendable, Equatable {
    public private(set) var requests = 0
    public private(set) var promptTokens = 0
    public private(set) var completionTokens = 0
    /// From the first level's start to the last level's end, in seconds.
    public private(set) var durationSeconds = 0.0
    private var firstStart: Int64?

    public init() {}

    public mutating func add(_ run: LevelRun) {
        requests += run.samples.count + run.abandoned
        for sample in run.samples where sample.outcome.isSuccess {
            promptTokens += sample.promptTokens
            completionTokens += sample.completionTokens
        }
        let start = firstStart ?? run.startedAt
        firstStart = start
        durationSeconds = Double(run.endedAt - start) / 1e9
    }
}
