// Agreement: the same simulated engine measured two ways, in virtual time by the simulator and in
// real time over loopback HTTP (`crest serve`'s server, measured by Crest's live load generator),
// must give the same latency percentiles and throughput at every level. Run in release:
//
//     swift run -c release ServeAgreement [--quick]
//
// Both use the preset's engine with every answer exactly 64 tokens long, so that the only
// randomness left is the engine's step jitter and the order of prompts.
// Differences come from sampling (different requests land in each window), the network model
// (1 ms of simulated round trip against loopback), and the real machine: the server and the client
// share its cores, so at high levels the machine itself can become the bottleneck.
import Crest
import CrestHTTP
import CrestServe
import CrestSimulator
import Foundation

func runAgreement() async throws {
    let quick = CommandLine.arguments.contains("--quick")
    let preset = SimulatorPreset.a100
    var endpoint = preset.endpoint
    endpoint.outputLength = OutputLengthModel(medianTokens: 64, sigma: 0)
    let bin = PromptBin.standard[0]
    let lines = DatasetGenerator(seed: 7, promptsPerBin: 60).payloadLines(for: bin)
    let dataset = try DatasetLoader(defaultMaxOutputTokens: 64).parse(Data(lines.utf8), path: "\(bin.name).jsonl")

    let loop = try EventLoop(name: "agreement-server")
    let server = try SimulatedInferenceServer(endpoint: endpoint, modelName: "sim", seed: 1).listen(on: loop, port: 0)
    defer { loop.shutdown() }
    let live = try LiveEndpoint(
        url: "http://127.0.0.1:\(server.port)", api: .openAICompletions, model: "sim")

    print("preset \(preset.name), dataset \(bin.name) (\(dataset.prompts.count) prompts), 64 output tokens per request")
    print("level  requests  metric             virtual      HTTP   difference")
    var worst = 0.0
    for concurrency in quick ? [4, 16] : [1, 8, 32, 64] {
        let requests = quick ? 32 : concurrency == 1 ? 100 : max(200, 4 * concurrency)
        let level = Level(concurrency: concurrency)
        let virtual = try simulate(
            endpoint: endpoint, level: level, rule: .requests(requests), prompts: dataset.prompts, maxOutputTokens: 64,
            requestTimeoutSeconds: 300, seed: 1
        ).run
        let measurer = try LiveMeasurer(endpoint: live, dataset: dataset, seed: 1, requestTimeoutSeconds: 300, maxOutputTokens: 64)
        let real = try await measurer.measure(level, until: .requests(requests))
        measurer.shutdown()
        let virtualSummary = LevelSummary(virtual, confidence: 0.95)
        let realSummary = LevelSummary(real, confidence: 0.95)
        let rows: [(String, Double?, Double?)] = [
            ("ttft p50 (s)", virtualSummary.ttft?.p50.value, realSummary.ttft?.p50.value),
            ("e2e p50 (s)", virtualSummary.latency?.p50.value, realSummary.latency?.p50.value),
            ("e2e p95 (s)", virtualSummary.latency?.p95.value, realSummary.latency?.p95.value),
            ("tpot p50 (s)", virtualSummary.tpot?.p50.value, realSummary.tpot?.p50.value),
            ("trans/min", virtualSummary.transactionsPerMinute.value, realSummary.transactionsPerMinute.value),
        ]
        for (name, simulated, measured) in rows {
            guard let simulated, let measured else { continue }
            let difference = (measured - simulated) / simulated
            if !name.hasPrefix("ttft") { worst = max(worst, abs(difference)) }
            print(
                pad(concurrency, 5) + pad(requests, 10) + "  " + name.padding(toLength: 15, withPad: " ", startingAt: 0)
                    + pad(String(format: "%.4f", simulated), 11) + pad(String(format: "%.4f", measured), 10)
                    + pad(String(format: "%+.1f%%", difference * 100), 13))
        }
        if let problem = real.client?.problem { print("       client check: \(problem)") }
    }
    print(String(format: "largest difference in e2e, TPOT and throughput: %.1f%%", worst * 100))
}

func pad(_ value: Any, _ width: Int) -> String {
    let text = "\(value)"
    return String(repeating: " ", count: max(1, width - text.count)) + text
}

try await runAgreement()
