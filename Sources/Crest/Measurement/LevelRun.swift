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
    /// When requests were abandoned: the send time of the earliest of them. Only measured requests
    /// sent before it count, a complete prefix: the abandoned ones are the slow ones, and leaving
    /// out only them would bias every latency statistic low.
    public let completeBefore: Int64?

    public init(
        level: Level, samples: [Sample], startedAt: Int64, windowStart: Int64, windowEnd: Int64, endedAt: Int64,
        decision: LevelDecision? = nil, abandoned: Int = 0, completeBefore: Int64? = nil
    ) {
        self.level = level
        self.samples = samples
        self.startedAt = startedAt
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.endedAt = endedAt
        self.decision = decision
        self.abandoned = abandoned
        self.completeBefore = completeBefore
    }

    /// The requests sent inside the measured window (before `completeBefore`, when requests were abandoned).
    public var measured: [Sample] {
        samples.filter { $0.phase == .measured && $0.sentAt < (completeBefore ?? .max) }
    }

    /// The window's length in seconds.
    public var windowSeconds: Double { Double(windowEnd - windowStart) / 1e9 }
}
