/// Everything a measurer returns for one level: its finished requests and its measured window.
public struct LevelRun: Sendable, Equatable {
    public let level: Level
    /// Every request that finished during the level (warm-up, measured and cool-down), in finish order.
    public private(set) var samples: [Sample]
    /// When the level's clients started (ns from the sweep's start).
    public let startedAt: Int64
    /// When the measured window opened and closed.
    public let windowStart: Int64
    public let windowEnd: Int64
    /// When the last measured request finished: the level's end.
    public let endedAt: Int64
    /// The sequential test's verdict, for levels run under `StopRule.sequential`.
    public private(set) var decision: LevelDecision?
    /// Measured requests still in flight when a decided screening level ended; they are in no statistic.
    public let abandoned: Int
    /// When requests were abandoned: the send time of the earliest of them. Only measured requests
    /// sent before it count, a complete prefix: the abandoned ones are the slow ones, and leaving
    /// out only them would bias every latency statistic low.
    public let completeBefore: Int64?
    /// Measured requests sent before this time are a transient that MSER-5 found after the warm-up
    /// drop; they are in no statistic. Nil when none was found.
    public let steadyFrom: Int64?
    /// False when MSER-5 found no steady state: the level drifted throughout its window.
    public let isSteady: Bool
    /// The live load generator's check on itself; nil for the simulator.
    public private(set) var client: ClientCheck?
    /// The endpoint's own gauges during the level, from its /metrics page; nil when not read.
    public private(set) var serverMetrics: ServerMetrics?
    /// The time-average number of the level's requests in flight over the measured window, counted
    /// by the recorder as requests were sent and finished (those still running when a test decided
    /// the level included). Below the level's concurrency when clients waited: after a 429's
    /// Retry-After, after a refused connection. Nil for runs stored before Crest kept it.
    public let inFlightMean: Double?
    /// In a session sweep, the time-average number of the level's users thinking between turns
    /// over the measured window: at work, though no request of theirs is in flight. Nil otherwise.
    public let thinkingMean: Double?
    /// The first request of each failure outcome, as the endpoint answered it (live endpoints only).
    public private(set) var failureExamples: [FailureExample]

    public init(
        level: Level, samples: [Sample], startedAt: Int64, windowStart: Int64, windowEnd: Int64, endedAt: Int64,
        decision: LevelDecision? = nil, abandoned: Int = 0, completeBefore: Int64? = nil, steadyFrom: Int64? = nil,
        isSteady: Bool = true, client: ClientCheck? = nil, serverMetrics: ServerMetrics? = nil, inFlightMean: Double? = nil,
        thinkingMean: Double? = nil, failureExamples: [FailureExample] = []
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
        self.steadyFrom = steadyFrom
        self.isSteady = isSteady
        self.client = client
        self.serverMetrics = serverMetrics
        self.inFlightMean = inFlightMean
        self.thinkingMean = thinkingMean
        self.failureExamples = failureExamples
    }

    /// The same run without its sequential test's decision: for judging it under another budget,
    /// which that test did not test.
    public var withoutDecision: LevelRun {
        var run = self
        run.decision = nil
        return run
    }

    /// The same run with what a live measurer learned besides the samples: the load generator's
    /// check on itself, the endpoint's own gauges, and how the first failures of each kind looked.
    public func checked(by client: ClientCheck, serverMetrics: ServerMetrics?, failureExamples: [FailureExample] = []) -> LevelRun {
        var run = self
        run.client = client
        run.serverMetrics = serverMetrics
        run.failureExamples = failureExamples
        return run
    }

    /// The same run with `samples` (a run read back from search.jsonl, given its lines of samples.jsonl).
    public func with(samples: [Sample]) -> LevelRun {
        var run = self
        run.samples = samples
        return run
    }

    /// The requests sent inside the measured window: after any transient (`steadyFrom`), and before
    /// `completeBefore` when requests were abandoned.
    public var measured: [Sample] {
        samples.filter { $0.phase == .measured && $0.sentAt < (completeBefore ?? .max) && $0.sentAt >= (steadyFrom ?? .min) }
    }

    /// `measured` in the order the requests were sent (ties by client): the order batch means and
    /// the steady-state test read. Sorts indices, not samples: a level can hold 100,000 of them.
    public var measuredInSendOrder: [Sample] {
        let measured = self.measured
        let order = measured.indices.sorted { (measured[$0].sentAt, measured[$0].client) < (measured[$1].sentAt, measured[$1].client) }
        return order.map { measured[$0] }
    }

    /// Measured requests left out as a transient.
    public var transientRequests: Int {
        guard let steadyFrom else { return 0 }
        return samples.count { $0.phase == .measured && $0.sentAt < steadyFrom }
    }

    /// The window's length in seconds.
    public var windowSeconds: Double { Double(windowEnd - statisticsStart) / 1e9 }

    /// Where the window the statistics use begins: the window's start, or the steady state's when
    /// MSER-5 left out a transient, so that counts and the time they are divided by agree.
    public var statisticsStart: Int64 { max(windowStart, steadyFrom ?? windowStart) }
}
