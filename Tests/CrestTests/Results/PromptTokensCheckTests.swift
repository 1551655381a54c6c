import XCTest
@testable import Crest

/// How far the estimate was from the endpoint's own counts of the same prompts.
final class PromptTokensCheckTests: XCTestCase {
    private func sample(_ prompt: Int, tokens: Int, source: TokensSource = .server, outcome: Outcome = .ok) -> Sample {
        Sample(
            level: 1, client: 0, seq: 0, promptIndex: prompt, sentAt: 0, firstTokenAt: 1, finishedAt: 2, promptTokens: tokens, completionTokens: 5,
            tokensSource: source, outcome: outcome, phase: .measured)
    }

    func testTheSamePromptsAreCompared() throws {
        let prompts = [100, 200].enumerated().map { index, tokens in
            Prompt(content: .text("p\(index)"), promptTokens: tokens, promptTokensSource: .estimate, maxOutputTokens: nil, line: index + 1)
        }
        let dataset = Dataset(name: "d", path: "d.jsonl", format: .plainText, prompts: prompts, fingerprint: "0")
        // Prompt 1 sent three times, prompt 0 once: the estimate's mean is over the same requests.
        let samples = [sample(0, tokens: 110), sample(1, tokens: 250), sample(1, tokens: 250), sample(1, tokens: 250),
                       sample(0, tokens: 100, source: .estimate), sample(1, tokens: 200, outcome: .http5xx)]
        let check = try XCTUnwrap(PromptTokensCheck(dataset: dataset, samples: samples))
        XCTAssertEqual(check.requests, 4)
        XCTAssertEqual(check.estimatedMean, 175)
        XCTAssertEqual(check.serverMean, 215)
        XCTAssertEqual(check.error, 175.0 / 215 - 1, accuracy: 1e-12)
        XCTAssertEqual(check.sentence, "the endpoint counted 215 prompt tokens on average over 4 requests, where Crest's estimate said 175 (19% under)")
        XCTAssertNil(PromptTokensCheck(dataset: dataset, samples: [sample(0, tokens: 1, source: .estimate)]), "no count, no check")
    }
}
