extension SimulatedEndpoint {
    /// The same endpoint `factor` times slower: a batching engine's every step takes that much
    /// longer (an accelerator with that much less bandwidth and compute, and a slower host), a
    /// hosted API's prefill and tokens come that much slower. A loss of 1 − 1/factor of the
    /// capacity, as a bad deploy or a noisy neighbour causes: what `crest sweep --prior` must notice.
    public func slowed(by factor: Double) -> SimulatedEndpoint {
        precondition(factor > 0, "a slowdown is a positive factor")
        var slowed = self
        switch server {
        case .batching(var engine):
            let gpu = engine.stepTime.gpu
            engine.stepTime = StepTimeModel(
                gpu: GPUSpec(
                    name: gpu.name, memoryBandwidth: gpu.memoryBandwidth / factor, bandwidthUtilisation: gpu.bandwidthUtilisation,
                    flops: gpu.flops / factor, flopsUtilisation: gpu.flopsUtilisation),
                model: engine.stepTime.model, perStepOverheadSeconds: engine.stepTime.perStepOverheadSeconds * factor,
                perSequenceOverheadSeconds: engine.stepTime.perSequenceOverheadSeconds * factor)
            slowed.server = .batching(engine)
        case .hosted(var api):
            api.ttftBaseSeconds *= factor
            api.ttftPerPromptTokenSeconds *= factor
            api.tokensPerSecond /= factor
            slowed.server = .hosted(api)
        }
        return slowed
    }
}
