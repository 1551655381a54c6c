import Crest
import XCTest
@testable import CrestSimulator
import CrestTestSupport

/// A dataset line's `ignore_eos` and `min_tokens` reach the simulated engine as they reach vLLM:
/// answers run to their cap, or to at least the minimum, instead of ending where the model would.
final class AnswerLengthRequestTests: XCTestCase {
    private func completionLengths(_ fields: [String: String], cap: Int?) throws -> [Int] {
        let prompts = (0..<16).map { index in
            Prompt(
                content: .text("prompt \(index)"), promptTokens: 500, promptTokensSource: .dataset, maxOutputTokens: cap, line: index + 1,
                requestFields: fields)
        }
        let (level, _) = try SimulatorFixtures.measure(SimulatorPreset.a100.endpoint, concurrency: 4, requests: 200, prompts: prompts)
        return level.run.samples.filter(\.outcome.isSuccess).map(\.completionTokens)
    }

    func testIgnoreEOSRunsEveryAnswerToItsCap() throws {
        let natural = try completionLengths([:], cap: 300)
        XCTAssertLessThan(natural.filter { $0 == 300 }.count, natural.count / 2, "most answers end before a cap of 300 (median 150)")
        XCTAssertEqual(Set(try completionLengths(["ignore_eos": "true"], cap: 300)), [300])
    }

    func testMinTokensLengthensShortAnswersUpToTheCap() throws {
        let lengths = try completionLengths(["min_tokens": "200"], cap: 250)
        XCTAssertEqual(lengths.min(), 200)
        XCTAssertEqual(lengths.max(), 250)
        XCTAssertEqual(AnswerLengthRequest(["min_tokens": "400"]).length(natural: 10, cap: 250), 250, "the cap still bounds the answer")
        XCTAssertEqual(AnswerLengthRequest(["ignore_eos": "false"]).length(natural: 10, cap: 250), 10)
    }

    /// What a request asks for, which samples record to show whether the endpoint honoured it.
    func testTheLengthAskedFor() {
        XCTAssertEqual(AnswerLengthRequest(["ignore_eos": "true"]).asked(cap: 300), 300)
        XCTAssertNil(AnswerLengthRequest(["ignore_eos": "true"]).asked(cap: nil), "no cap, no length to run to")
        XCTAssertEqual(AnswerLengthRequest(["min_tokens": "400"]).asked(cap: 250), 250)
        XCTAssertEqual(AnswerLengthRequest(["min_tokens": "40"]).asked(cap: 250), 40)
        XCTAssertNil(AnswerLengthRequest(["temperature": "0"]).asked(cap: 250))
    }
}
