import Crest
import CrestHTTP
import CrestServe
import CrestSimulator
import Foundation
import XCTest

/// `crest serve`'s engine over loopback HTTP, measured by the live load generator, against the same
/// engine in virtual time. With step jitter and network delay switched off, a lone request's
/// timings are exact numbers both ways; over HTTP they can only come out later, by the loopback
/// and timer delays.
final class ServedSimulatorTests: XCTestCase {
    private static var exactEndpoint: SimulatedEndpoint {
        var endpoint = SimulatorPreset.a100.endpoint
        if case .batching(var configuration) = endpoint.server {
            configuration.stepJitterSigma = 0
            endpoint.server = .batching(configuration)
        }
        endpoint.network = NetworkModel(roundTripSeconds: 0, jitterSigma: 0)
        // Every answer is 12 tokens (TGI has no ignore_eos; the OpenAI kinds also send max_tokens 12).
        endpoint.outputLength = OutputLengthModel(medianTokens: 12, sigma: 0)
        return endpoint
    }

    /// Prompts whose dataset token counts are what the server will estimate from their text.
    private let dataset: Dataset = {
        let prompts = (1...6).map { index -> Prompt in
            let messages = [ChatMessage(role: "user", content: String(repeating: "word number \(index) ", count: 40 * index))]
            return Prompt(content: .chat(messages), promptTokens: TokenEstimator.estimate(messages: messages), promptTokensSource: .estimate, maxOutputTokens: 12, line: index)
        }
        return Dataset(name: "served", path: "served.jsonl", format: .openAIChat, prompts: prompts, fingerprint: "0")
    }()

    private func serve(_ endpoint: SimulatedEndpoint) throws -> (EventLoop, HTTPServer) {
        let loop = try EventLoop(name: "served-simulator")
        let server = try SimulatedInferenceServer(endpoint: endpoint, modelName: "sim", seed: 1).listen(on: loop, port: 0)
        return (loop, server)
    }

    private func liveRun(_ endpoint: SimulatedEndpoint, api: APIKind, streaming: Bool, level: Int, requests: Int) async throws -> LevelRun {
        let (loop, server) = try serve(endpoint)
        defer { loop.shutdown() }
        let live = try LiveEndpoint(
            url: "http://127.0.0.1:\(server.port)", api: api, model: "sim", streaming: streaming, extraFields: ["ignore_eos": "true"])
        let measurer = try LiveMeasurer(endpoint: live, dataset: dataset, seed: 1, requestTimeoutSeconds: 30)
        defer { measurer.shutdown() }
        return try await measurer.measure(Level(concurrency: level), until: .requests(requests))
    }

    /// Every API kind the server speaks, streamed and whole: a lone request's timings over HTTP are
    /// the simulator's in virtual time, plus at most the loopback and timer delays.
    func testALoneRequestTakesExactlyTheSimulatedTimeThroughEveryAPIKind() async throws {
        let endpoint = Self.exactEndpoint
        for api in APIKind.selfHosted {
            for streaming in [true, false] {
                let run = try await liveRun(endpoint, api: api, streaming: streaming, level: 1, requests: 2)
                for sample in run.samples {
                    let label = "\(api) streaming \(streaming)"
                    XCTAssertEqual(sample.outcome, .ok, label)
                    XCTAssertEqual(sample.completionTokens, 12, "\(label): max_tokens 12 with ignore_eos (TGI: the fixed draw)")
                    XCTAssertEqual(sample.tokensSource, .server, label)
                    // The same request alone in virtual time.
                    let simulated = try simulate(
                        endpoint: endpoint, level: Level(concurrency: 1), rule: .requests(1), prompts: [dataset.prompts[sample.promptIndex]],
                        requestTimeoutSeconds: 30, seed: 1
                    ).run.samples[0]
                    XCTAssertGreaterThanOrEqual(sample.latencySeconds, simulated.latencySeconds - 0.0005, label)
                    XCTAssertLessThan(sample.latencySeconds, simulated.latencySeconds + 0.030, label)
                    guard streaming else {
                        XCTAssertNil(sample.firstTokenAt, label)
                        continue
                    }
                    let ttft = try XCTUnwrap(sample.ttftSeconds, label)
                    let expectedTTFT = try XCTUnwrap(simulated.ttftSeconds)
                    XCTAssertGreaterThanOrEqual(ttft, expectedTTFT - 0.0005, label)
                    XCTAssertLessThan(ttft, expectedTTFT + 0.030, label)
                }
            }
        }
    }

    func testTheEndpointsOwnGaugesAreReadDuringALevel() async throws {
        let run = try await liveRun(Self.exactEndpoint, api: .openAIChat, streaming: true, level: 4, requests: 24)
        let metrics = try XCTUnwrap(run.serverMetrics, "crest serve's /metrics has vLLM's gauges")
        XCTAssertGreaterThanOrEqual(metrics.scrapes, 1)
        let running = try XCTUnwrap(metrics.runningMean)
        XCTAssertTrue((0...4).contains(running), "never more than the 4 clients' requests: \(running)")
        // A request that arrives mid-step waits for the next step; none waits longer with 4 clients.
        XCTAssertTrue((0...4).contains(try XCTUnwrap(metrics.waitingMean)))
        XCTAssertTrue((0..<0.1).contains(try XCTUnwrap(metrics.kvCacheUsageMean)), "4 short requests use little of the cache")
    }

    func testFaultSwitchesReachTheClient() async throws {
        var endpoint = Self.exactEndpoint
        endpoint.faults = FaultModel(concurrencyCap: 2, retryAfterSeconds: 0.1)
        let run = try await liveRun(endpoint, api: .openAIChat, streaming: true, level: 4, requests: 16)
        let outcomes = Set(run.samples.map(\.outcome))
        XCTAssertTrue(outcomes.isSuperset(of: [.ok, .http429]), "a cap of 2 under 4 clients answers some with 429: \(outcomes)")
    }
}
