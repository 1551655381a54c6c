import Crest

/// A named simulated endpoint with the labels and default price reports show for it.
public struct SimulatorPreset: Sendable, Equatable {
    /// The name users type after `sim:`.
    public let name: String
    /// One line for `--help` and reports.
    public let summary: String
    public let model: String
    /// The label reports use for the instance, like FMBench's instance_type.
    public let instanceLabel: String
    /// The price reports use unless the user gives one.
    public let pricing: Pricing
    public let endpoint: SimulatedEndpoint

    public init(name: String, summary: String, model: String, instanceLabel: String, pricing: Pricing, endpoint: SimulatedEndpoint) {
        self.name = name
        self.summary = summary
        self.model = model
        self.instanceLabel = instanceLabel
        self.pricing = pricing
        self.endpoint = endpoint
    }
}

extension SimulatorPreset {
    /// Every built-in preset, the default first.
    public static let all: [SimulatorPreset] = [a100, h100, h200, l4, a100Reasoning, hostedAPI]

    /// The preset `crest sweep` uses when none is named.
    public static let standard = a100

    /// The preset called `name`, if any.
    public static func named(_ name: String) -> SimulatorPreset? {
        all.first { $0.name == name }
    }

    // Parameters from ../research/algorithms.md §4.3-4.4: spec-sheet bandwidth and FLOP/s with the
    // utilisation that reproduces published measurements. Prices are assumed on-demand list prices
    // for one accelerator (stated as such in reports); override them with --price-per-hour.

    /// A100-80G SXM serving Llama-3-8B with vLLM defaults: TPOT ≈ 10.8 ms and a 1024-token prefill
    /// ≈ 97 ms at N = 1 (A100-40G measured 75 tok/s at c = 1, ≈ 77% of the bandwidth roofline).
    public static let a100 = batchingPreset(
        name: "a100-llama3-8b", summary: "A100-80G SXM, Llama-3-8B, vLLM-like continuous batching",
        instanceLabel: "sim-a100-80g", usdPerHour: 4.10,
        gpu: a100GPU, memoryGB: 80, reservedGB: 4, perStepOverheadSeconds: 0.0005)

    private static let a100GPU = GPUSpec(name: "A100-80G SXM", memoryBandwidth: 2.039e12, bandwidthUtilisation: 0.77, flops: 312e12, flopsUtilisation: 0.55)

    /// H100-80G SXM serving Llama-3-8B: TPOT ≈ 6.9 ms at N = 1 (6.48 ms measured).
    public static let h100 = batchingPreset(
        name: "h100-llama3-8b", summary: "H100-80G SXM, Llama-3-8B, vLLM-like continuous batching",
        instanceLabel: "sim-h100-80g", usdPerHour: 6.88,
        gpu: GPUSpec(name: "H100-80G SXM", memoryBandwidth: 3.35e12, bandwidthUtilisation: 0.74, flops: 989e12, flopsUtilisation: 0.45),
        memoryGB: 80, reservedGB: 4, perStepOverheadSeconds: 0.0003)

    /// H200 141G SXM running a Llama-3-8B-shaped model, fitted to step times measured on one H200
    /// with PyTorch (CUDA graphs, SDPA attention, unfused norms and activations;
    /// ../shared/reference/gpu/llama3-8b-h200-steps.json): every prefill (128 to 8,192 tokens) and
    /// decode step (1 to 256 sequences at 512 and 2,048 tokens of context) within 4.3%. Its 3.4 ms
    /// per step is what those unfused kernels cost over a fused engine's (vLLM decodes one
    /// sequence of an 8B model in about 3.4 ms less on this GPU); the KV-cache read (84% of 4.8 TB/s)
    /// and the prefill rate (62% of 989 TFLOP/s) are what engines reach too.
    public static let h200 = batchingPreset(
        name: "h200-llama3-8b", summary: "H200 141G SXM, Llama-3-8B shape, fitted to measured PyTorch step times",
        instanceLabel: "sim-h200-141g", usdPerHour: 7.90,
        gpu: GPUSpec(name: "H200 141G SXM", memoryBandwidth: 4.8e12, bandwidthUtilisation: 0.84, flops: 989e12, flopsUtilisation: 0.62),
        memoryGB: 141, reservedGB: 6, perStepOverheadSeconds: 0.0034, perSequenceOverheadSeconds: 0.000003, memoryComputeExponent: 2)

    /// L4 24G serving Llama-3-8B: TPOT ≈ 68 ms at N = 1 and only ≈ 31k tokens of KV cache, so it
    /// preempts beyond ≈ 26 requests of 1.15k tokens: the KV-bound preset.
    public static let l4 = batchingPreset(
        name: "l4-llama3-8b", summary: "L4 24G, Llama-3-8B, vLLM-like continuous batching (KV-cache bound)",
        instanceLabel: "sim-l4-24g", usdPerHour: 0.805,
        gpu: GPUSpec(name: "L4 24G", memoryBandwidth: 0.30e12, bandwidthUtilisation: 0.80, flops: 121e12, flopsUtilisation: 0.50),
        memoryGB: 24, reservedGB: 1.5, perStepOverheadSeconds: 0.0005)

    /// A hosted API like Claude Instant on Bedrock, calibrated to the reference report: about 2.0 s
    /// for about 1620 prompt and 60 completion tokens at concurrency 1 (LLMPerf measured a median
    /// TTFT of 1.21 s and 65.6 tok/s for claude-instant-v1). A concurrency quota of 40 answers 429
    /// beyond it (assumed); 0.2% of requests fail with a 5xx (assumed).
    public static let hostedAPI = SimulatorPreset(
        name: "hosted-claude-instant", summary: "hosted API like Claude Instant on Bedrock: per-token price, quota of 40 in flight",
        model: "claude-instant-like", instanceLabel: "sim-hosted-api",
        pricing: .perToken(usdPer1kInput: 0.0008, usdPer1kOutput: 0.0024),
        endpoint: SimulatedEndpoint(
            server: .hosted(HostedAPIConfiguration(
                ttftBaseSeconds: 0.90, ttftSigma: 0.15, ttftPerPromptTokenSeconds: 0.0001, tokensPerSecond: 66, speedSigma: 0.25,
                slowdownPerRequest: 0.002)),
            network: NetworkModel(roundTripSeconds: 0.040, jitterSigma: 0.25),
            outputLength: OutputLengthModel(medianTokens: 58, sigma: 0.35),
            faults: FaultModel(concurrencyCap: 40, retryAfterSeconds: 1, errorProbability: 0.002)))

    /// The A100 preset's engine serving DeepSeek-R1-Distill-Llama-8B, a Llama-3.1-8B fine-tuned to
    /// think before it answers: the same step times, and a thinking span before each answer (median
    /// 600 tokens, assumed: R1's distilled models think for hundreds to thousands of tokens), streamed
    /// as `reasoning_content` by `crest serve`, as vLLM's reasoning parser streams it.
    public static let a100Reasoning = batchingPreset(
        name: "a100-r1-distill-llama-8b", summary: "A100-80G SXM, DeepSeek-R1-Distill-Llama-8B: thinks before it answers",
        instanceLabel: "sim-a100-80g", usdPerHour: 4.10,
        gpu: a100GPU, memoryGB: 80, reservedGB: 4, perStepOverheadSeconds: 0.0005, modelName: "DeepSeek-R1-Distill-Llama-8B",
        reasoning: OutputLengthModel(medianTokens: 600, sigma: 0.6))

    private static func batchingPreset(
        name: String, summary: String, instanceLabel: String, usdPerHour: Double, gpu: GPUSpec, memoryGB: Double,
        reservedGB: Double, perStepOverheadSeconds: Double, perSequenceOverheadSeconds: Double = 0.00001,
        memoryComputeExponent: Double? = nil, modelName: String? = nil, reasoning: OutputLengthModel? = nil
    ) -> SimulatorPreset {
        let model = ModelSpec.llama3_8B
        let engine = BatchingEngineConfiguration(
            stepTime: StepTimeModel(
                gpu: gpu, model: model, perStepOverheadSeconds: perStepOverheadSeconds, perSequenceOverheadSeconds: perSequenceOverheadSeconds,
                memoryComputeExponent: memoryComputeExponent),
            maxRunningSequences: 256, tokenBudget: 2048,
            kvCacheTokens: BatchingEngineConfiguration.kvCacheTokens(memoryGB: memoryGB, model: model, reservedGB: reservedGB),
            stepJitterSigma: 0.03)
        return SimulatorPreset(
            name: name, summary: summary, model: modelName ?? model.name, instanceLabel: instanceLabel,
            pricing: .hourly(usdPerHour: usdPerHour, instances: 1),
            endpoint: SimulatedEndpoint(
                server: .batching(engine),
                network: NetworkModel(roundTripSeconds: 0.001, jitterSigma: 0.1),
                // Answers of an 8B chat model to RAG-style questions: median 150 tokens (assumed).
                outputLength: OutputLengthModel(medianTokens: 150, sigma: 0.5), reasoning: reasoning,
                faults: .none))
    }
}
