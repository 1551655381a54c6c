import Crest
import CrestSimulator
import Foundation

/// One benchmark profile: an engine, a workload, noise, a budget and a failure mode, drawn from
/// the dimensions of ../research/algorithms.md §3.
struct Profile: Codable, Equatable {
    let id: Int
    let engine: String           // a100, h100, l4, hosted
    let maxRunningSequences: Int // 16, 64, 256 (batching engines)
    let kvTight: Bool            // a quarter of the preset's KV cache
    let workload: String         // fixed-1024-128, llmperf-550-150, chat, rag-3000-100, longgen-200-800
    let highNoise: Bool          // step CV 10% and rare stalls, against 2%
    let wideAreaNetwork: Bool    // 40 ± 10 ms round trip, against 1 ms
    let metric: String           // e2e.mean, e2e.p95, ttft.p99, tpot.p95
    let budgetMultiple: Double   // the limit as a multiple of the statistic at one client
    let failures: String         // none, cap-429, random-5xx, load-5xx
    /// For a noisy twin, the calm profile it copies.
    var twinOf: Int? = nil

    /// A short label for tables.
    var label: String {
        "#\(id) \(engine) seqs=\(maxRunningSequences)\(kvTight ? " kv-tight" : "") \(workload) \(metric)×\(budgetMultiple) \(failures)\(highNoise ? " noisy" : "")"
    }

    /// The simulated endpoint of this profile.
    var endpoint: SimulatedEndpoint {
        var base: SimulatedEndpoint
        switch engine {
        case "h100": base = SimulatorPreset.h100.endpoint
        case "l4": base = SimulatorPreset.l4.endpoint
        case "hosted": base = SimulatorPreset.hostedAPI.endpoint
        default: base = SimulatorPreset.a100.endpoint
        }
        if case .batching(var engine) = base.server {
            engine.maxRunningSequences = maxRunningSequences
            if kvTight { engine.kvCacheTokens /= 4 }
            engine.stepJitterSigma = highNoise ? 0.10 : 0.02
            engine.stallProbability = highNoise ? 0.001 : 0
            engine.stallMeanSeconds = 0.1
            base.server = .batching(engine)
        }
        base.network = wideAreaNetwork ? NetworkModel(roundTripSeconds: 0.040, jitterSigma: 0.25) : NetworkModel(roundTripSeconds: 0.001, jitterSigma: 0.1)
        base.outputLength = Self.outputLength(workload)
        switch failures {
        case "cap-429": base.faults = FaultModel(concurrencyCap: capFor429, retryAfterSeconds: 1)
        case "random-5xx": base.faults = FaultModel(errorProbability: 0.005)
        case "load-5xx": base.faults = FaultModel(errorProbabilityPerKVOverload: 2)
        default: if engine != "hosted" { base.faults = .none }
        }
        return base
    }

    /// A 429 cap placed where it binds before the batch cap on most engines.
    var capFor429: Int { engine == "hosted" ? 40 : max(8, maxRunningSequences * 3 / 4) }

    /// The workload's prompts: 256 prompts with their token counts.
    var prompts: [Prompt] {
        var random = SeededRandom(seed: derivedSeed(0xB0B, UInt64(id)))
        return (0..<256).map { index in
            let tokens: Int
            switch workload {
            case "fixed-1024-128": tokens = 1024
            case "llmperf-550-150": tokens = max(50, Int(550 + 150 * random.nextStandardNormal()))
            case "chat": tokens = max(10, Int(random.nextLogNormal(mu: log(300), sigma: 0.9)))
            case "rag-3000-100": tokens = 3000
            default: tokens = 200
            }
            return Prompt(content: .text(""), promptTokens: min(tokens, 7000), promptTokensSource: .dataset, maxOutputTokens: nil, line: index + 1)
        }
    }

    static func outputLength(_ workload: String) -> OutputLengthModel {
        switch workload {
        case "fixed-1024-128": return OutputLengthModel(medianTokens: 128, sigma: 0)
        case "llmperf-550-150": return OutputLengthModel(medianTokens: 150, sigma: 0.07)
        case "chat": return OutputLengthModel(medianTokens: 150, sigma: 0.8)
        case "rag-3000-100": return OutputLengthModel(medianTokens: 100, sigma: 0.2)
        default: return OutputLengthModel(medianTokens: 800, sigma: 0.2)
        }
    }

    /// The budget's latency constraint, once the limit is known.
    func constraint(limitSeconds: Double) -> LatencyConstraint {
        let parts = metric.split(separator: ".")
        let statistic: BudgetStatistic = parts[1] == "mean" ? .mean : .percentile(Percentile(Double(parts[1].dropFirst())!))
        return LatencyConstraint(metric: LatencyMetric(rawValue: String(parts[0]))!, statistic: statistic, limitSeconds: limitSeconds)
    }

    /// For each calm profile (low noise, no faults), a twin with high noise and 0.5% random 5xx,
    /// numbered from `firstID`: the same engine, workload and budget rule under a harsher endpoint,
    /// so the loss of accuracy to noise and faults is measured like for like.
    static func noisyTwins(of profiles: [Profile], firstID: Int) -> [Profile] {
        profiles.filter { !$0.highNoise && $0.failures == "none" }.enumerated().map { index, calm in
            Profile(
                id: firstID + index, engine: calm.engine, maxRunningSequences: calm.maxRunningSequences, kvTight: calm.kvTight,
                workload: calm.workload, highNoise: true, wideAreaNetwork: calm.wideAreaNetwork, metric: calm.metric,
                budgetMultiple: calm.budgetMultiple, failures: "random-5xx", twinOf: calm.id)
        }
    }

    /// The held-out profiles' seed and first number: drawn apart from the profiles the search's
    /// constants were tuned on, so a change to the search is judged on profiles it never saw.
    static let heldOutSeed: UInt64 = 0x4E1D_0A7
    static let heldOutFirstID = 20_000

    /// `count` profiles drawn from a fixed seed, numbered from `firstID`.
    static func generate(count: Int, seed: UInt64 = 2026, firstID: Int = 0) -> [Profile] {
        var random = SeededRandom(seed: seed)
        func pick<T>(_ values: [T]) -> T { values[random.nextInt(below: values.count)] }
        return (firstID..<firstID + count).map { id in
            let engine = pick(["a100", "a100", "h100", "l4", "hosted"])
            let batching = engine != "hosted"
            return Profile(
                id: id, engine: engine, maxRunningSequences: batching ? pick([16, 64, 256]) : 0,
                kvTight: batching && random.nextBool(probability: 0.3),
                workload: pick(["fixed-1024-128", "llmperf-550-150", "chat", "rag-3000-100", "longgen-200-800"]),
                highNoise: random.nextBool(probability: 0.35), wideAreaNetwork: random.nextBool(probability: 0.3),
                metric: pick(["e2e.mean", "e2e.p95", "ttft.p99", "tpot.p95"]), budgetMultiple: pick([1.25, 2, 4, 10]),
                failures: pick(["none", "none", "cap-429", "random-5xx", "load-5xx"]), twinOf: nil)
        }
    }
}
