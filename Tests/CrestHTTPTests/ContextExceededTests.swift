import Crest
import CrestTestSupport
import XCTest
@testable import CrestHTTP

/// A prompt longer than the endpoint's context is refused at every concurrency: it is counted as
/// `context_exceeded`, apart from the refusals a wrong model or key brings, and never stops a run.
final class ContextExceededTests: XCTestCase {
    private func says(_ body: String) -> Bool { ContextExceeded.matches(Array(body.utf8)) }

    /// Each engine's own words, as their servers send them.
    func testEachEnginesWordsForAPromptTooLongAreRecognised() {
        let refusals = [
            // vLLM (and OpenAI, whose code names it too).
            #"{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4900 in the messages, 100 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}"#,
            #"{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
            // SGLang.
            #"{"object":"error","message":"The input (9000 tokens) is longer than the model's context length (8192 tokens).","type":"BadRequestError","code":400}"#,
            // llama.cpp, as a 400 and as an error event in a stream.
            #"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":14429,"n_ctx":8192}}"#,
            #"data: {"error":{"code":500,"message":"the request exceeds the available context size. try increasing the context size or enable context shift","type":"server_error"}}"#,
            // TGI's 422, and behind SageMaker.
            #"{"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`","error_type":"validation"}"#,
            #"{"error":"Input validation error: `inputs` must have less than 4096 tokens. Given: 5000","error_type":"validation"}"#,
            #"{"ErrorCode":"CLIENT_ERROR_FROM_MODEL","OriginalStatusCode":422,"OriginalMessage":"{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048. Given: 3000 `inputs` tokens and 64 `max_new_tokens`\"}"}"#,
            // Bedrock, and Anthropic's models on it.
            #"{"message":"Input is too long for requested model."}"#,
            #"{"message":"prompt is too long: 210000 tokens > 200000 maximum"}"#,
            #"{"message":"Too many input tokens. Max input tokens: 4096, request input token count: 5000"}"#,
        ]
        for body in refusals { XCTAssertTrue(says(body), body) }
    }

    /// Refusals that say something else stay plain 4xx: a run that counted them as the workload's
    /// would hide a wrong model, key or output cap.
    func testOtherRefusalsAreNotTakenForIt() {
        let others = [
            #"{"object":"error","message":"The model `llama` does not exist.","type":"NotFoundError","code":404}"#,
            #"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#,
            #"{"error":"Input validation error: `max_new_tokens` must be <= 2048. Given: 4096","error_type":"validation"}"#,
            #"{"error":"Input validation error: `temperature` must be strictly positive","error_type":"validation"}"#,
            #"{"message":"The security token included in the request is invalid."}"#,
            "",
        ]
        for body in others { XCTAssertFalse(says(body), body) }
    }

    private func measure(_ server: FaultyServer, streaming: Bool = true) async throws -> LevelRun {
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", streaming: streaming, apiKey: nil, metricsPath: nil, route: .epoll)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: .scripted(), seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        return try await measurer.measure(Level(concurrency: 1), until: .requests(3))
    }

    func testARefusalOfAPromptTooLongIsCountedApartOverHTTP() async throws {
        let cases: [(String, FaultyServer.Answer)] = [
            ("vLLM's 400", .whole(status: 400, contentType: "application/json",
                body: #"{"object":"error","message":"This model's maximum context length is 2048 tokens. However, your request has 3100 input tokens.","type":"BadRequestError","code":400}"#)),
            ("TGI's 422", .whole(status: 422, contentType: "application/json",
                body: #"{"error":"Input validation error: `inputs` must have less than 2048 tokens. Given: 3100","error_type":"validation"}"#)),
            ("an error event in a 200 stream", .stream(chunks: [
                #"data: {"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"# + "\n\n",
            ])),
        ]
        for (name, answer) in cases {
            let server = try FaultyServer(answer)
            defer { server.stop() }
            let run = try await measure(server)
            XCTAssertFalse(run.samples.isEmpty, name)
            XCTAssertEqual(Set(run.samples.map(\.outcome)), [.http4xx], name)
            XCTAssertEqual(Set(run.samples.map(\.fault)), [.contextExceeded], name)
            let summary = LevelSummary(run, confidence: 0.95)
            XCTAssertEqual(Set(summary.promptsPastContext.keys), Set(run.samples.map(\.promptIndex)), name)
            XCTAssertTrue(summary.failureSummary.contains("context_exceeded"), "\(name): \(summary.failureSummary)")
            // Every prompt refused as too long is not the wrong key or model the other message names.
            let stop = try XCTUnwrap(UnusableResponses.check(run), name)
            XCTAssertTrue(stop.description.contains("longer than its context"), "\(name): \(stop.description)")
            XCTAssertFalse(stop.description.contains("credentials"), "\(name): \(stop.description)")
        }
    }

    /// A first prompt too long is that prompt's fault: the pre-flight request lets the run go on
    /// (another refusal ends it there).
    func testThePreflightRequestDoesNotStopTheRunForAPromptTooLong() async throws {
        for (body, stops) in [(#"{"message":"This model's maximum context length is 2048 tokens."}"#, false), (#"{"message":"no such model"}"#, true)] {
            let server = try FaultyServer(.whole(status: 400, contentType: "application/json", body: body))
            defer { server.stop() }
            let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", streaming: true, apiKey: nil, metricsPath: nil, route: .epoll)
            let measurer = try LiveMeasurer(endpoint: endpoint, dataset: .scripted(), seed: 1, requestTimeoutSeconds: 5)
            defer { measurer.shutdown() }
            let preflight = await measurer.preflight()
            XCTAssertEqual(preflight.outcome, .http4xx, body)
            XCTAssertEqual(preflight.fault, stops ? nil : .contextExceeded, body)
            XCTAssertEqual(preflight.stops, stops, body)
        }
    }

    func testAnyOtherRefusalKeepsItsPlainCategory() async throws {
        let server = try FaultyServer(.whole(status: 404, contentType: "application/json", body: #"{"message":"The model `m` does not exist."}"#))
        defer { server.stop() }
        let run = try await measure(server)
        XCTAssertEqual(Set(run.samples.map(\.outcome)), [.http4xx])
        XCTAssertEqual(Set(run.samples.map(\.fault)), [nil])
        XCTAssertTrue(try XCTUnwrap(UnusableResponses.check(run)).description.contains("credentials"))
    }
}
