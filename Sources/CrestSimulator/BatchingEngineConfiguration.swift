/// A vLLM-like continuous-batching engine: scheduler limits, KV cache, step time and its noise.
public struct BatchingEngineConfiguration: Sendable, Equatable {
    public var stepTime: StepTimeModel
    /// The most sequences in a batch (vLLM's max_num_seqs).
    public var maxRunningSequences: Int
    /// Tokens one step may compute (vLLM's max_num_batched_tokens); prefills are chunked to fit.
    public var tokenBudget: Int
    /// Tokens of KV cache the accelerator holds.
    public var kvCacheTokens: Int
    /// Tokens per KV block (vLLM's block size).
    public var blockTokens: Int
    /// The share of blocks admission keeps free (vLLM's watermark, 1%).
    public var watermark: Double
    /// σ of the log-normal jitter on every step (mean 1).
    public var stepJitterSigma: Double
    /// The probability that a step stalls (a garbage collection, a host hiccup).
    public var stallProbability: Double
    /// The mean extra time of a stall (exponential), seconds.
    public var stallMeanSeconds: Double

    public init(
        stepTime: StepTimeModel, maxRunningSequences: Int, tokenBudget: Int, kvCacheTokens: Int, blockTokens: Int = 16,
        watermark: Double = 0.01, stepJitterSigma: Double, stallProbability: Double = 0, stallMeanSeconds: Double = 0.1
    ) {
        self.stepTime = stepTime
        self.maxRunningSequences = maxRunningSequences
        self.tokenBudget = tokenBudget
        self.kvCacheTokens = kvCacheTokens
        self.blockTokens = blockTokens
        self.watermark = watermark
        self.stepJitterSigma = stepJitterSigma
        self.stallProbability = stallProbability
        self.stallMeanSeconds = stallMeanSeconds
    }

    /// KV blocks in the cache.
    public var totalBlocks: Int { kvCacheTokens / blockTokens }

    /// The KV tokens left for the cache on a GPU of `memoryGB` after the weights, at vLLM's default
    /// 90% memory use and `reservedGB` for activations and the CUDA context.
    public static func kvCacheTokens(memoryGB: Double, model: ModelSpec, reservedGB: Double) -> Int {
        Int((memoryGB * 0.9 * 1e9 - model.weightBytes - reservedGB * 1e9) / model.kvBytesPerToken)
    }
}

/// A hosted API (Bedrock-, OpenAI-like) modelled per request rather than as a batching engine:
/// TTFT = base·LogNormal(0, σ_ttft) + perPromptToken·P, then tokens at a per-request speed of
/// tokensPerSecond·LogNormal(0, σ_speed)·(1 − slowdown·n) with n requests in flight.
/// Its optimum is set by its quota (429s) and errors, not by latency (../research/algorithms.md §4.4).
public struct HostedAPIConfiguration: Sendable, Equatable {
    public var ttftBaseSeconds: Double
    public var ttftSigma: Double
    public var ttftPerPromptTokenSeconds: Double
    public var tokensPerSecond: Double
    public var speedSigma: Double
    /// The share of speed lost per request in flight.
    public var slowdownPerRequest: Double

    public init(ttftBaseSeconds: Double, ttftSigma: Double, ttftPerPromptTokenSeconds: Double, tokensPerSecond: Double, speedSigma: Double, slowdownPerRequest: Double) {
        self.ttftBaseSeconds = ttftBaseSeconds
        self.ttftSigma = ttftSigma
        self.ttftPerPromptTokenSeconds = ttftPerPromptTokenSeconds
        self.tokensPerSecond = tokensPerSecond
        self.speedSigma = speedSigma
        self.slowdownPerRequest = slowdownPerRequest
    }
}
