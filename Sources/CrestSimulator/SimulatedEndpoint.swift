import Crest
import Foundation

/// A simulated endpoint: the serving model behind it, the network in front of it, how long its
/// answers run, and the faults it injects.
public struct SimulatedEndpoint: Sendable, Equatable {
    /// What serves the requests.
    public enum Server: Sendable, Equatable {
        /// A continuous-batching engine (vLLM-like) on one accelerator.
        case batching(BatchingEngineConfiguration)
        /// A hosted API that draws each request's latency (no batching model).
        case hosted(HostedAPIConfiguration)
    }

    public var server: Server
    public var network: NetworkModel
    public var outputLength: OutputLengthModel
    /// How long a reasoning model thinks before its answer (the tokens come first, and count in
    /// the output cap, as vLLM counts them); nil for a model that answers at once.
    public var reasoning: OutputLengthModel?
    public var faults: FaultModel

    public init(server: Server, network: NetworkModel, outputLength: OutputLengthModel, reasoning: OutputLengthModel? = nil, faults: FaultModel) {
        self.server = server
        self.network = network
        self.outputLength = outputLength
        self.reasoning = reasoning
        self.faults = faults
    }

    /// The most tokens one sequence may hold, its prompt and answer together: the model's context,
    /// or the KV cache where that is smaller; nil for a hosted API, which the simulator does not bound.
    public var contextTokens: Int? {
        guard case .batching(let configuration) = server else { return nil }
        return min(configuration.stepTime.model.maxModelTokens, configuration.totalBlocks * configuration.blockTokens)
    }
}

/// The network between client and server: each request gets one uplink and one downlink delay of
/// about half the round trip, drawn once so its tokens arrive in order.
public struct NetworkModel: Sendable, Equatable {
    public var roundTripSeconds: Double
    /// σ of the log-normal factor on each one-way delay (0: every delay is exactly half the round trip).
    public var jitterSigma: Double

    public init(roundTripSeconds: Double, jitterSigma: Double) {
        self.roundTripSeconds = roundTripSeconds
        self.jitterSigma = jitterSigma
    }
}

/// How many tokens the model writes when nothing cuts it short: a log-normal around a median,
/// at least one token. A prompt's max output tokens caps it, and the engine never knows it in advance.
public struct OutputLengthModel: Sendable, Equatable {
    public var medianTokens: Double
    /// σ of the log-normal (0: every answer has exactly `medianTokens` tokens).
    public var sigma: Double

    public init(medianTokens: Double, sigma: Double) {
        self.medianTokens = medianTokens
        self.sigma = sigma
    }

    func draw(_ random: inout SeededRandom) -> Int {
        max(1, Int(random.nextLogNormal(mu: log(medianTokens), sigma: sigma).rounded()))
    }
}

/// Faults the simulated server injects. All are seeded.
public struct FaultModel: Sendable, Equatable {
    /// Requests in the server (running plus queued) at which it answers 429; nil for no cap
    /// (TGI's max_concurrent_requests; a hosted API's concurrency quota).
    public var concurrencyCap: Int?
    /// The Retry-After a 429 carries, in seconds; clients wait this long before their next request.
    public var retryAfterSeconds: Double
    /// The probability that a request fails with a 5xx regardless of load.
    public var errorProbability: Double
    /// Extra 5xx probability per unit of KV-cache use above 95% (a batching engine under memory pressure).
    public var errorProbabilityPerKVOverload: Double

    public init(concurrencyCap: Int? = nil, retryAfterSeconds: Double = 1, errorProbability: Double = 0, errorProbabilityPerKVOverload: Double = 0) {
        self.concurrencyCap = concurrencyCap
        self.retryAfterSeconds = retryAfterSeconds
        self.errorProbability = errorProbability
        self.errorProbabilityPerKVOverload = errorProbabilityPerKVOverload
    }

    public static let none = FaultModel()
}
