import Crest

/// Measures levels against a simulated endpoint in virtual time. Deterministic: the same seed,
/// dataset and levels give byte-identical samples. Each level starts from an idle server (its
/// warm-up absorbs the start) and draws its randomness from a stream of its own, keyed by the
/// level and by how many times it was measured before: a level's first measurement does not depend
/// on which other levels ran, and measuring it again brings new requests, not a replay. Its times
/// continue the sweep's clock.
public actor SimulatedMeasurer: Measurer {
    public let endpoint: SimulatedEndpoint
    public let dataset: Dataset
    public let seed: UInt64
    public let requestTimeoutSeconds: Double
    public let maxOutputTokens: Int?
    public let recordsInterTokenGaps: Bool
    private var clock: Int64 = 0
    private var visits: [Int: UInt64] = [:]

    /// - Parameter recordsInterTokenGaps: record each request's gaps between tokens, for ITL
    ///   budgets and columns (slower: a notice per token).
    public init(
        endpoint: SimulatedEndpoint, dataset: Dataset, seed: UInt64, requestTimeoutSeconds: Double, maxOutputTokens: Int? = nil,
        recordsInterTokenGaps: Bool = false
    ) {
        self.recordsInterTokenGaps = recordsInterTokenGaps
        self.endpoint = endpoint
        self.dataset = dataset
        self.seed = seed
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxOutputTokens = maxOutputTokens
    }

    /// The clock continues from the last run's end, and each level's next measurement draws the
    /// stream it would have drawn after those runs: a resumed sweep gives the uninterrupted one's levels.
    public func resume(after runs: [LevelRun]) {
        clock = runs.last?.endedAt ?? 0
        visits = [:]
        for run in runs { visits[run.level.concurrency, default: 0] += 1 }
    }

    public func measure(_ level: Level, until rule: StopRule) throws -> LevelRun {
        let visit = visits[level.concurrency, default: 0]
        visits[level.concurrency] = visit + 1
        let levelSeed = visit == 0 ? derivedSeed(seed, UInt64(level.concurrency)) : derivedSeed(seed, UInt64(level.concurrency), visit)
        let simulated = try simulate(
            endpoint: endpoint, level: level, rule: rule, prompts: dataset.prompts, maxOutputTokens: maxOutputTokens,
            requestTimeoutSeconds: requestTimeoutSeconds, startTime: clock, seed: levelSeed, recordsInterTokenGaps: recordsInterTokenGaps)
        clock = simulated.run.endedAt
        return simulated.run
    }
}

/// Simulates one level of closed-loop load against `endpoint`.
/// - Parameters:
///   - thinkTimeSeconds: each client's pause between a response and its next request.
///   - startTime: when the level starts on the sweep's clock, ns.
///   - seed: the level's seed; everything random in the level follows from it.
public func simulate(
    endpoint: SimulatedEndpoint, level: Level, rule: StopRule, prompts: [Prompt], maxOutputTokens: Int? = nil,
    requestTimeoutSeconds: Double, thinkTimeSeconds: Double = 0, startTime: Int64 = 0, seed: UInt64, recordsInterTokenGaps: Bool = false
) throws -> SimulatedLevel {
    precondition(!prompts.isEmpty, "a simulation needs at least one prompt")
    let settings = LevelSettings(
        level: level, rule: rule, prompts: prompts, maxOutputTokens: maxOutputTokens,
        requestTimeoutSeconds: requestTimeoutSeconds, thinkTimeSeconds: thinkTimeSeconds, startTime: startTime, seed: seed,
        recordsInterTokenGaps: recordsInterTokenGaps)
    let serverSeed = derivedSeed(seed, 0x5E4E)
    switch endpoint.server {
    case .batching(let configuration):
        var engine = BatchingEngine(configuration: configuration, faults: endpoint.faults, seed: serverSeed)
        engine.reportsEveryToken = recordsInterTokenGaps
        return try LevelSimulation(server: engine, endpoint: endpoint, settings: settings).run()
    case .hosted(let configuration):
        let model = HostedAPIModel(configuration: configuration, faults: endpoint.faults, seed: serverSeed)
        return try LevelSimulation(server: model, endpoint: endpoint, settings: settings).run()
    }
}
