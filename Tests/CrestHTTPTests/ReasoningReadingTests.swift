import Crest
import CrestTestSupport
import XCTest
@testable import CrestHTTP

/// A reasoning model's stream: which events are thinking and which the answer, however the
/// server says it, and the first answer token's time over real HTTP.
final class ReasoningReadingTests: XCTestCase {
    private func read(_ events: [String], api: APIKind = .openAIChat) -> ResponseReading {
        var reading = ResponseReading()
        for data in events { _ = api.read(ServerSentEvent(name: nil, data: Array(data.utf8)), into: &reading) }
        return reading
    }

    private func delta(_ field: String, _ text: String) -> String { #"{"choices":[{"delta":{"\#(field)":"\#(text)"}}]}"# }

    func testAReasoningFieldOfItsOwn() {
        // vLLM and SGLang (reasoning_content), llama.cpp and Ollama (reasoning).
        for field in ["reasoning_content", "reasoning"] {
            let reading = read([
                delta(field, "Let me"), delta(field, " think."), delta("content", "Paris"),
                #"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":40,"completion_tokens_details":{"reasoning_tokens":37}}}"#,
            ])
            XCTAssertEqual(reading.reasoningEvents, 2, field)
            XCTAssertEqual(reading.answerEvents, 1, field)
            XCTAssertEqual(reading.tokenEvents, 3, field)
            XCTAssertEqual(reading.reasoning, 37, "the usage's count wins over the events counted")
        }
    }

    func testThinkTagsInTheAnswersText() {
        let reading = read([delta("content", "<think>"), delta("content", "Hmm, 2+2"), delta("content", "</think>"), delta("content", "\\n\\n"), delta("content", "4")])
        XCTAssertEqual(reading.reasoningEvents, 3)
        XCTAssertEqual(reading.answerEvents, 2, "the blank line after the thinking, then the answer")
        XCTAssertEqual(reading.reasoning, 3, "no usage details: the reasoning events")
        // A closing tag and the answer's first word in one event.
        let together = read([delta("content", "<think>why"), delta("content", "</think>Because")])
        XCTAssertEqual(together.reasoningEvents, 2)
        XCTAssertEqual(together.answerEvents, 1)
        // A closing tag followed only by whitespace starts no answer.
        let blank = read([delta("content", "<think>x"), delta("content", "</think>\\n ")])
        XCTAssertEqual(blank.answerEvents, 0)
        // Completions carry the tags in `text`.
        let completions = read([#"{"choices":[{"text":"<think>a"}]}"#, #"{"choices":[{"text":"</think>b"}]}"#], api: .openAICompletions)
        XCTAssertEqual(completions.reasoningEvents, 2)
        XCTAssertEqual(completions.answerEvents, 1)
    }

    /// TGI streams token objects: their text carries the tags.
    func testTGITokensWithThinkTags() {
        func token(_ text: String) -> String { #"{"index":1,"token":{"id":1,"text":"\#(text)","logprob":-0.1,"special":false},"generated_text":null,"details":null}"# }
        let reading = read([token("<think>"), token("hmm"), token("</think>"), token("Yes")], api: .tgi)
        XCTAssertEqual(reading.reasoningEvents, 3)
        XCTAssertEqual(reading.answerEvents, 1)
        XCTAssertEqual(reading.tokenEvents, 4)
    }

    /// DeepSeek-R1's template opens the thinking in the prompt: the stream has only `</think>`.
    func testAThinkingOpenedByTheTemplateIsRecountedWhenItCloses() {
        let reading = read([delta("content", "Okay,"), delta("content", " so"), delta("content", "</think>"), delta("content", "Yes")])
        XCTAssertEqual(reading.reasoningEvents, 3)
        XCTAssertEqual(reading.answerEvents, 1)
    }

    func testAnAnswerWithoutReasoningSaysNone() {
        let reading = read([delta("content", "Hello"), delta("content", " there")])
        XCTAssertFalse(reading.reasoned)
        XCTAssertNil(reading.reasoning)
        XCTAssertEqual(reading.answerEvents, 2)
    }

    /// Over HTTP: thinking, then a pause, then the answer; the first answer token is timed apart
    /// from the first token, and a budget on `ttfa` reads it.
    func testTheFirstAnswerTokenIsTimedApartFromTheFirstToken() async throws {
        let server = try FaultyServer(.pacedStream(chunks: [
            (0.01, "data: " + delta("reasoning_content", "Thinking") + "\n\n"),
            (0.3, "data: " + delta("content", "Answer") + "\n\n"),
            (0.31, "data: " + #"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":12,"completion_tokens_details":{"reasoning_tokens":11}}}"# + "\n\n"),
            (0.32, "data: [DONE]\n\n"),
        ]))
        defer { server.stop() }
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", streaming: true, apiKey: nil, metricsPath: nil, route: .epoll)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: .scripted(), seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        let run = try await measurer.measure(Level(concurrency: 1), until: .requests(2))
        for sample in run.samples {
            XCTAssertEqual(sample.outcome, .ok)
            XCTAssertEqual(sample.reasoningTokens, 11)
            let ttft = try XCTUnwrap(sample.ttftSeconds), ttfa = try XCTUnwrap(sample.ttfaSeconds)
            XCTAssertGreaterThanOrEqual(ttfa - ttft, 0.25, "the answer came after the pause")
            XCTAssertEqual(sample.budgetValue(of: .ttfa), ttfa)
        }
        let summary = LevelSummary(run, confidence: 0.95)
        XCTAssertNotNil(summary.ttfa)
        XCTAssertEqual(summary.reasoningTokensMean, 11)
    }
}
