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

    func testALoneRequestTakesExactlyTheSimulatedTime() async throws {
        let endpoint = Self.exactEndpoint
        let run = try await liveRun(endpoint, api: .openAIChat, streaming: true, level: 1, requests: 6)
        for sample in run.samples {
            XCTAssertEqual(sample.outcome, .ok)
            XCTAssertEqual(sample.completionTokens, 12, "ignore_eos with max_tokens 12 gives exactly 12 tokens")
            XCTAssertEqual(sample.tokensSource, .server)
            XCTAssertEqual(sample.promptTokens, dataset.prompts[sample.promptIndex].promptTokens)
            // The same request alone in virtual time.
            let prompt = dataset.prompts[sample.promptIndex]
            let simulated = try simulate(
                endpoint: endpoint, level: Level(concurrency: 1), rule: .requests(1), prompts: [prompt], requestTimeoutSeconds: 30, seed: 1
            ).run.samples[0]
            XCTAssertEqual(simulated.completionTokens, 12)
            let ttft = try XCTUnwrap(sample.ttftSeconds)
            let expectedTTFT = try XCTUnwrap(simulated.ttftSeconds)
            XCTAssertGreaterThanOrEqual(ttft, expectedTTFT - 0.0005)
            XCTAssertLessThan(ttft, expectedTTFT + 0.030)
            XCTAssertGreaterThanOrEqual(sample.latencySeconds, simulated.latencySeconds - 0.0005)
            XCTAssertLessThan(sample.latencySeconds, simulated.latencySeconds + 0.030)
        }
    }

    func testEveryAPIKindTheServerSpeaksStreamedAndWhole() async throws {
        for (api, streaming) in [(APIKind.openAIChat, false), (.openAICompletions, true), (.openAICompletions, false), (.tgi, true), (.tgi, false)] {
            let run = try await liveRun(Self.exactEndpoint, api: api, streaming: streaming, level: 2, requests: 2)
            XCTAssertTrue(run.samples.allSatisfy { $0.outcome == .ok && $0.completionTokens == 12 && $0.tokensSource == .server }, "\(api) \(streaming)")
            XCTAssertEqual(run.samples.allSatisfy { $0.firstTokenAt != nil }, streaming, "\(api) \(streaming)")
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
