import Crest
import CrestSimulator

/// Endpoints and workloads with every source of randomness switchable, for the validation tests.
public enum SimulatorFixtures {
    /// The A100 preset's engine configuration.
    public static var a100Engine: BatchingEngineConfiguration {
        guard case .batching(let engine) = SimulatorPreset.a100.endpoint.server else { preconditionFailure("a100 is a batching preset") }
        return engine
    }

    public static var l4Engine: BatchingEngineConfiguration {
        guard case .batching(let engine) = SimulatorPreset.l4.endpoint.server else { preconditionFailure("l4 is a batching preset") }
        return engine
    }

    /// A batching endpoint with no faults, `outputTokens` tokens per answer, and optional jitter.
    public static func endpoint(
        engine: BatchingEngineConfiguration = a100Engine, outputTokens: Double, outputSigma: Double = 0,
        roundTripSeconds: Double = 0.001, networkJitter: Double = 0, stepJitter: Double = 0
    ) -> SimulatedEndpoint {
        var engine = engine
        engine.stepJitterSigma = stepJitter
        return SimulatedEndpoint(
            server: .batching(engine),
            network: NetworkModel(roundTripSeconds: roundTripSeconds, jitterSigma: networkJitter),
            outputLength: OutputLengthModel(medianTokens: outputTokens, sigma: outputSigma),
            faults: .none)
    }

    /// `count` prompts of exactly `tokens` tokens each.
    public static func prompts(tokens: Int, count: Int = 16, maxOutputTokens: Int? = nil) -> [Prompt] {
        (0..<count).map { index in
            Prompt(
                content: .text("prompt \(index)"), promptTokens: tokens, promptTokensSource: .dataset,
                maxOutputTokens: maxOutputTokens, line: index + 1)
        }
    }

    /// Prompts spread evenly over [low, high) tokens.
    public static func prompts(from low: Int, to high: Int, count: Int = 64) -> [Prompt] {
        (0..<count).map { index in
            Prompt(
                content: .text("prompt \(index)"), promptTokens: low + (high - low) * index / count,
                promptTokensSource: .dataset, maxOutputTokens: nil, line: index + 1)
        }
    }

    /// Runs one level and returns it with its summary.
    public static func measure(
        _ endpoint: SimulatedEndpoint, concurrency: Int, requests: Int, prompts: [Prompt], thinkTime: Double = 0,
        timeout: Double = 600, seed: UInt64 = 1
    ) throws -> (level: SimulatedLevel, summary: LevelSummary) {
        let level = try simulate(
            endpoint: endpoint, level: Level(concurrency: concurrency), rule: .requests(requests), prompts: prompts,
            requestTimeoutSeconds: timeout, thinkTimeSeconds: thinkTime, seed: seed)
        return (level, LevelSummary(level.run, confidence: 0.95))
    }
}
