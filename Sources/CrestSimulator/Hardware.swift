/// An accelerator's limits, for the roofline step-time model.
public struct GPUSpec: Sendable, Equatable {
    public let name: String
    /// Memory bandwidth in bytes per second.
    public let memoryBandwidth: Double
    /// The share of peak bandwidth a decode step achieves (model bandwidth utilisation).
    public let bandwidthUtilisation: Double
    /// Dense bf16 FLOP/s.
    public let flops: Double
    /// The share of peak FLOP/s a prefill achieves (model FLOPs utilisation).
    public let flopsUtilisation: Double

    public init(name: String, memoryBandwidth: Double, bandwidthUtilisation: Double, flops: Double, flopsUtilisation: Double) {
        self.name = name
        self.memoryBandwidth = memoryBandwidth
        self.bandwidthUtilisation = bandwidthUtilisation
        self.flops = flops
        self.flopsUtilisation = flopsUtilisation
    }
}

/// A decoder-only transformer's sizes, for the roofline step-time model.
public struct ModelSpec: Sendable, Equatable {
    public let name: String
    /// Parameters.
    public let parameters: Double
    /// Bytes of weights streamed per step.
    public let weightBytes: Double
    public let layers: Int
    public let hiddenSize: Int
    /// Bytes of KV cache per token of context (layers × 2 × KV heads × head size × bytes).
    public let kvBytesPerToken: Double
    /// The longest prompt plus output the model accepts.
    public let maxModelTokens: Int

    public init(name: String, parameters: Double, weightBytes: Double, layers: Int, hiddenSize: Int, kvBytesPerToken: Double, maxModelTokens: Int) {
        self.name = name
        self.parameters = parameters
        self.weightBytes = weightBytes
        self.layers = layers
        self.hiddenSize = hiddenSize
        self.kvBytesPerToken = kvBytesPerToken
        self.maxModelTokens = maxModelTokens
    }

    /// Llama-3-8B in bf16: 8.03e9 parameters, 32 layers, d_model 4096, 8 KV heads × 128, so
    /// 32 × 2 × 8 × 128 × 2 bytes = 128 KiB of KV per token.
    public static let llama3_8B = ModelSpec(
        name: "llama-3-8b", parameters: 8.03e9, weightBytes: 16.06e9, layers: 32, hiddenSize: 4096,
        kvBytesPerToken: 131_072, maxModelTokens: 8192)
}
