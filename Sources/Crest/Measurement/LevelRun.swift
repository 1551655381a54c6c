/// Everything a measurer returns for one level: its finished requests and its measured window.
public struct LevelRun: Sendable, Equatable {
    public let level: Level
    /// Every request that finished during the level (warm-up, measured and cool-down), in finish order.
    public let samples: [Sample]
    /// When the level's clients started (ns from the sweep's start).
    public let startedAt: Int64
    /// When the measured window opened and closed.
    public let windowStart: Int64
    public let windowEnd: Int64
    /// When the last measured request finished: the level's end.
    public let endedAt: Int64
    /// The sequential test's verdict, for levels run under `StopRule.sequential`.
    public let decision: LevelDecision?
    /// Measured requests still in flight when a decided screening level ended; they are in no statistic.
    public let abandoned: Int

    public init(
        level: Level, samples: [Sample], startedAt: Int64, windowStart: Int64, windowEnd: Int64, endedAt: Int64,
        decision: LevelDecision? = nil, abandoned: Int = 0
    ) {
        self.level = level
        self.samples = samples
        self.startedAt = startedAt
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.endedAt = endedAt
        self.decision = decision
        self.abandoned = abandoned
    }

    /// The requests sent inside the measured window.
    public var measured: [Sample] { samples.filter { $0.phase == .measured } }

    /// The window's length in seconds.
    public var windowSeconds: Double { Double(windowEnd - windowStart) / 1e9 }
}
