import Crest
import CrestHTTP
import CrestServe
import CrestSimulator
import Foundation
import XCTest

/// A reasoning model behind `crest serve`: its thinking streams as vLLM's reasoning parser streams
/// it (`reasoning_content` for chat; `<think>` text for completions), its usage counts the
/// reasoning tokens, and Crest's client times the first answer token after the thinking.
final class ServedReasoningTests: XCTestCase {
    /// Every answer: 12 tokens, the first 5 of them thinking; no jitter, no network delay.
    private static var thinkingEndpoint: SimulatedEndpoint {
        var endpoint = SimulatorPreset.a100Reasoning.endpoint
        if case .batching(var configuration) = endpoint.server {
            configuration.stepJitterSigma = 0
            endpoint.server = .batching(configuration)
        }
        endpoint.network = NetworkModel(roundTripSeconds: 0, jitterSigma: 0)
        endpoint.outputLength = OutputLengthModel(medianTokens: 7, sigma: 0)
        endpoint.reasoning = OutputLengthModel(medianTokens: 5, sigma: 0)
        return endpoint
    }

    private let dataset: Dataset = {
        let prompts = (1...4).map { index -> Prompt in
            let messages = [ChatMessage(role: "user", content: "Question number \(index): why?")]
            return Prompt(content: .chat(messages), promptTokens: TokenEstimator.estimate(messages: messages), promptTokensSource: .estimate, maxOutputTokens: 64, line: index)
        }
        return Dataset(name: "served", path: "served.jsonl", format: .openAIChat, prompts: prompts, fingerprint: "0")
    }()

    func testThinkingStreamsApartAndTheAnswerIsTimedAfterIt() async throws {
        let loop = try EventLoop(name: "served-reasoning")
        defer { loop.shutdown() }
        let server = try SimulatedInferenceServer(endpoint: Self.thinkingEndpoint, modelName: "sim", seed: 1).listen(on: loop, port: 0)
        for api in [APIKind.openAIChat, .openAICompletions] {
            let live = try LiveEndpoint(url: "http://127.0.0.1:\(server.port)", api: api, model: "sim", streaming: true)
            let measurer = try LiveMeasurer(endpoint: live, dataset: dataset, seed: 1, requestTimeoutSeconds: 30)
            let run = try await measurer.measure(Level(concurrency: 1), until: .requests(3))
            measurer.shutdown()
            for sample in run.samples {
                XCTAssertEqual(sample.outcome, .ok, "\(api)")
                XCTAssertEqual(sample.completionTokens, 12, "\(api)")
                XCTAssertEqual(sample.reasoningTokens, 5, "\(api): the usage's count")
                // Five decode steps of about 11 ms each come between the first token and the answer's.
                let gap = try XCTUnwrap(sample.ttfaSeconds, "\(api)") - XCTUnwrap(sample.ttftSeconds, "\(api)")
                XCTAssertGreaterThan(gap, 0.04, "\(api)")
                XCTAssertLessThan(gap, 0.2, "\(api)")
            }
        }
    }

    /// In virtual time the same engine gives the first answer token exactly five decode steps after
    /// the first token, and a reasoning model's answer cut off inside its thinking never answers.
    func testTheSimulationTimesTheAnswerAfterTheThinking() async throws {
        let measurer = SimulatedMeasurer(endpoint: Self.thinkingEndpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 30)
        let run = try await measurer.measure(Level(concurrency: 1), until: .requests(4))
        for sample in run.samples {
            XCTAssertEqual(sample.reasoningTokens, 5)
            let first = try XCTUnwrap(sample.firstTokenAt), answer = try XCTUnwrap(sample.firstAnswerAt)
            let step = Double(sample.finishedAt - first) / 11
            XCTAssertEqual(Double(answer - first), 5 * step, accuracy: step * 0.05, "five of the eleven decode steps after the first token")
        }
        let capped = Dataset(name: "capped", path: "c.jsonl", format: .openAIChat, prompts: dataset.prompts.map {
            Prompt(content: $0.content, promptTokens: $0.promptTokens, promptTokensSource: .estimate, maxOutputTokens: 3, line: $0.line)
        }, fingerprint: "1")
        let cut = try await SimulatedMeasurer(endpoint: Self.thinkingEndpoint, dataset: capped, seed: 1, requestTimeoutSeconds: 30)
            .measure(Level(concurrency: 1), until: .requests(4))
        for sample in cut.samples {
            XCTAssertEqual(sample.reasoningTokens, 3, "all three tokens were thinking")
            XCTAssertNil(sample.ttfaSeconds)
            XCTAssertEqual(sample.budgetValue(of: .ttfa), .infinity, "an answer that never began is over any TTFA limit")
        }
    }
}
