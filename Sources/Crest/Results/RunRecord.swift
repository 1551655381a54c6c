/// A level run without its samples: what `search.jsonl` keeps of each measurement beside the
/// search step, so that a results folder gives back every `LevelRun` exactly (its samples are the
/// lines of `samples.jsonl` with the same step).
public struct RunRecord: Sendable, Equatable, Codable {
    public let concurrency: Int
    public let startedAt: Int64
    public let windowStart: Int64
    public let windowEnd: Int64
    public let endedAt: Int64
    public let decision: LevelDecision?
    public let abandoned: Int
    public let completeBefore: Int64?
    public let steadyFrom: Int64?
    public let isSteady: Bool
    public let client: ClientCheck?
    public let serverMetrics: ServerMetrics?

    public init(_ run: LevelRun) {
        concurrency = run.level.concurrency
        startedAt = run.startedAt
        windowStart = run.windowStart
        windowEnd = run.windowEnd
        endedAt = run.endedAt
        decision = run.decision
        abandoned = run.abandoned
        completeBefore = run.completeBefore
        steadyFrom = run.steadyFrom
        isSteady = run.isSteady
        client = run.client
        serverMetrics = run.serverMetrics
    }

    /// The run, given its samples.
    public func run(with samples: [Sample]) -> LevelRun {
        LevelRun(
            level: Level(concurrency: concurrency), samples: samples, startedAt: startedAt, windowStart: windowStart,
            windowEnd: windowEnd, endedAt: endedAt, decision: decision, abandoned: abandoned, completeBefore: completeBefore,
            steadyFrom: steadyFrom, isSteady: isSteady, client: client, serverMetrics: serverMetrics)
    }

    enum CodingKeys: String, CodingKey {
        case concurrency, decision, abandoned, client
        case startedAt = "started_ns"
        case windowStart = "window_start_ns"
        case windowEnd = "window_end_ns"
        case endedAt = "ended_ns"
        case completeBefore = "complete_before_ns"
        case steadyFrom = "steady_from_ns"
        case isSteady = "steady"
        case serverMetrics = "server_metrics"
    }
}

/// One line of `search.jsonl`: the search step's fields, and under `run` its measurement's window.
struct SearchLine: Codable {
    let step: SearchStep
    let run: RunRecord?

    private enum Key: String, CodingKey { case run }

    init(step: SearchStep, run: RunRecord?) {
        self.step = step
        self.run = run
    }

    init(from decoder: Decoder) throws {
        step = try SearchStep(from: decoder)
        run = try decoder.container(keyedBy: Key.self).decodeIfPresent(RunRecord.self, forKey: .run)
    }

    func encode(to encoder: Encoder) throws {
        try step.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(run, forKey: .run)
    }
}
