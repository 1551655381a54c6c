import Foundation

/// What one engine step computes: the shape that sets its duration.
struct StepShape {
    /// Sequences in the batch (decodes plus prefill chunks).
    var sequences = 0
    /// Tokens computed: one per decode plus every prefill chunk's tokens.
    var newTokens = 0
    /// Context tokens whose KV is read.
    var contextTokensRead = 0
    /// Σ over prefill chunks of c·(ctx₀ + c/2): the attention work of chunked prefill.
    var prefillAttentionWork = 0.0
}

/// The duration of an engine step by a memory/compute roofline (../research/algorithms.md §4.3):
///
///     t_mem = (W + kv_b·Σctx) / (MBU·BW)
///     t_cmp = (2·P·T_new + 4·layers·d_model·Σ c·(ctx₀ + c/2)) / (MFU·FLOPS)
///     t     = max(t_mem, t_cmp) + t_sched + t_seq·n_seq
///
/// Decode steps are bandwidth-bound and grow with the context read; prefill chunks ride along
/// almost free until the step turns compute-bound (Sarathi-Serve's observation).
///
/// With `memoryComputeExponent` k, the two terms combine as (t_memᵏ + t_cmpᵏ)^(1/k) instead of
/// their maximum: kernels that do not overlap memory traffic with arithmetic fully, where a step
/// whose two terms are close takes longer than either. Measured on an H200 with unfused PyTorch
/// kernels, k = 2 fits every row within 4.3%; the maximum fits no better than 10.2% (a 128-token
/// prefill takes 1.5 ms more than a decode step of one sequence, which the maximum cannot show).
public struct StepTimeModel: Sendable, Equatable {
    public let gpu: GPUSpec
    public let model: ModelSpec
    /// Fixed CPU cost per step (scheduling, sampling), seconds.
    public let perStepOverheadSeconds: Double
    /// CPU cost per sequence in the batch, seconds.
    public let perSequenceOverheadSeconds: Double
    /// How the memory and compute times combine: nil for their maximum (the roofline), k for
    /// their k-norm.
    public let memoryComputeExponent: Double?

    public init(
        gpu: GPUSpec, model: ModelSpec, perStepOverheadSeconds: Double, perSequenceOverheadSeconds: Double,
        memoryComputeExponent: Double? = nil
    ) {
        self.gpu = gpu
        self.model = model
        self.perStepOverheadSeconds = perStepOverheadSeconds
        self.perSequenceOverheadSeconds = perSequenceOverheadSeconds
        self.memoryComputeExponent = memoryComputeExponent
    }

    /// The step's duration in seconds, before jitter.
    func seconds(for shape: StepShape) -> Double {
        let memory = (model.weightBytes + model.kvBytesPerToken * Double(shape.contextTokensRead))
            / (gpu.bandwidthUtilisation * gpu.memoryBandwidth)
        let compute = (2 * model.parameters * Double(shape.newTokens)
            + 4 * Double(model.layers * model.hiddenSize) * shape.prefillAttentionWork)
            / (gpu.flopsUtilisation * gpu.flops)
        let combined = memoryComputeExponent.map { pow(pow(memory, $0) + pow(compute, $0), 1 / $0) } ?? max(memory, compute)
        return combined + perStepOverheadSeconds + perSequenceOverheadSeconds * Double(shape.sequences)
    }

    /// A decode step of `batch` sequences each holding `context` tokens.
    public func decodeSeconds(batch: Int, context: Int) -> Double {
        seconds(for: StepShape(sequences: batch, newTokens: batch, contextTokensRead: batch * context))
    }

    /// A decode step of one sequence holding `context` tokens (prompt plus generated so far).
    public func decodeSeconds(context: Int) -> Double {
        seconds(for: StepShape(sequences: 1, newTokens: 1, contextTokensRead: context))
    }

    /// A prefill of `tokens` tokens of a fresh prompt in one step.
    public func prefillSeconds(tokens: Int) -> Double {
        seconds(for: StepShape(
            sequences: 1, newTokens: tokens, contextTokensRead: tokens,
            prefillAttentionWork: Double(tokens) * Double(tokens) / 2))
    }
}
