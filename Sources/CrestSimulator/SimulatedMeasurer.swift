import Crest

/// Measures levels against a simulated endpoint in virtual time. Deterministic: the same seed,
/// dataset and levels give byte-identical samples.
///
/// The endpoint stays warm from level to level (`ClosedLoopSimulation`): a level starts with the
/// requests the one before left in flight and the clients that stay, as the live load generator's
/// do. What each level adds draws its randomness from a stream of its own, keyed by the level and by
/// how many times it was measured before, so measuring a level again brings new requests, not a
/// replay. Times continue the sweep's clock.
public actor SimulatedMeasurer: Measurer {
    public let endpoint: SimulatedEndpoint
    public let dataset: Dataset
    public let seed: UInt64
    public let requestTimeoutSeconds: Double
    public let maxOutputTokens: Int?
    public let recordsInterTokenGaps: Bool
    private let simulation: EndpointSimulation
    private var visits: [Int: UInt64] = [:]

    /// - Parameter recordsInterTokenGaps: record each request's gaps between tokens, for ITL
    ///   budgets and columns (slower: a notice per token).
    public init(
        endpoint: SimulatedEndpoint, dataset: Dataset, seed: UInt64, requestTimeoutSeconds: Double, maxOutputTokens: Int? = nil,
        recordsInterTokenGaps: Bool = false
    ) {
        precondition(!dataset.prompts.isEmpty, "a simulation needs at least one prompt")
        self.recordsInterTokenGaps = recordsInterTokenGaps
        self.endpoint = endpoint
        self.dataset = dataset
        self.seed = seed
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxOutputTokens = maxOutputTokens
        simulation = EndpointSimulation(
            endpoint: endpoint, settings: LoadSettings(
                prompts: dataset.prompts, maxOutputTokens: maxOutputTokens, requestTimeoutSeconds: requestTimeoutSeconds,
                thinkTimeSeconds: 0, recordsInterTokenGaps: recordsInterTokenGaps, sessions: dataset.shape.sessions),
            serverSeed: derivedSeed(seed, 0x5E4E))
    }

    /// Runs the stored levels again, under the rules they were measured with, to bring the
    /// endpoint to where they left it: a resumed sweep gives the uninterrupted one's levels. They
    /// take virtual time only, so this costs a moment even for a long sweep.
    public func resume(after runs: [(run: LevelRun, rule: StopRule)]) async throws {
        for (run, rule) in runs { _ = try measure(run.level, until: rule) }
    }

    public func measure(_ level: Level, until rule: StopRule) throws -> LevelRun {
        let visit = visits[level.concurrency, default: 0]
        visits[level.concurrency] = visit + 1
        let levelSeed = visit == 0 ? derivedSeed(seed, UInt64(level.concurrency)) : derivedSeed(seed, UInt64(level.concurrency), visit)
        return try simulation.run(level, until: rule, seed: levelSeed).run
    }
}

/// A closed-loop simulation of one of the two kinds of server. An enum of concrete types, not an
/// existential: through a protocol the generic simulation ran unspecialised, at half the speed
/// (generic metadata looked up in its hot loop).
enum EndpointSimulation {
    case batching(ClosedLoopSimulation<BatchingEngine>)
    case hosted(ClosedLoopSimulation<HostedAPIModel>)

    /// A simulation of `endpoint` that has run nothing yet: an idle server, no client started.
    init(endpoint: SimulatedEndpoint, settings: LoadSettings, serverSeed: UInt64, startTime: Int64 = 0) {
        switch endpoint.server {
        case .batching(let configuration):
            var engine = BatchingEngine(configuration: configuration, faults: endpoint.faults, seed: serverSeed)
            engine.reportsEveryToken = settings.recordsInterTokenGaps
            self = .batching(ClosedLoopSimulation(server: engine, endpoint: endpoint, settings: settings, startTime: startTime))
        case .hosted(let configuration):
            let model = HostedAPIModel(configuration: configuration, faults: endpoint.faults, seed: serverSeed)
            self = .hosted(ClosedLoopSimulation(server: model, endpoint: endpoint, settings: settings, startTime: startTime))
        }
    }

    func run(_ level: Level, until rule: StopRule, seed: UInt64) throws -> SimulatedLevel {
        switch self {
        case .batching(let simulation): return try simulation.run(level, until: rule, seed: seed)
        case .hosted(let simulation): return try simulation.run(level, until: rule, seed: seed)
        }
    }
}

/// Simulates one level of closed-loop load against `endpoint`, from an idle server.
/// - Parameters:
///   - thinkTimeSeconds: each client's pause between a response and its next request.
///   - startTime: when the level starts on the sweep's clock, ns.
///   - seed: the level's seed; everything random in the level follows from it.
public func simulate(
    endpoint: SimulatedEndpoint, level: Level, rule: StopRule, prompts: [Prompt], maxOutputTokens: Int? = nil,
    requestTimeoutSeconds: Double, thinkTimeSeconds: Double = 0, startTime: Int64 = 0, seed: UInt64, recordsInterTokenGaps: Bool = false
) throws -> SimulatedLevel {
    precondition(!prompts.isEmpty, "a simulation needs at least one prompt")
    let settings = LoadSettings(
        prompts: prompts, maxOutputTokens: maxOutputTokens, requestTimeoutSeconds: requestTimeoutSeconds,
        thinkTimeSeconds: thinkTimeSeconds, recordsInterTokenGaps: recordsInterTokenGaps)
    let simulation = EndpointSimulation(endpoint: endpoint, settings: settings, serverSeed: derivedSeed(seed, 0x5E4E), startTime: startTime)
    return try simulation.run(level, until: rule, seed: seed)
}
