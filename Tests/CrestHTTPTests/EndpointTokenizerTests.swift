import Crest
import CrestTestSupport
import Foundation
import XCTest
@testable import CrestHTTP

/// Counting prompts with an endpoint's own tokenizer, and keeping the counts beside the dataset.
final class EndpointTokenizerTests: TemporaryFolderTestCase {
    private func dataset(fingerprint: String = "f1") -> Dataset {
        let prompts = (1...5).map { index in
            Prompt(content: .text("prompt number \(index) with some words"), promptTokens: 10 * index, promptTokensSource: .estimate, maxOutputTokens: nil, line: index)
        }
        return Dataset(name: "d", path: folder.appendingPathComponent("d.jsonl").path, format: .plainText, prompts: prompts, fingerprint: fingerprint)
    }

    func testEveryEnginesAnswerIsRead() {
        XCTAssertEqual(EndpointTokenizer.count(in: Data(#"{"count":12,"max_model_len":8192,"tokens":[1,2,3]}"#.utf8)), 12, "vLLM's count")
        XCTAssertEqual(EndpointTokenizer.count(in: Data(#"{"tokens":[5,6,7,8]}"#.utf8)), 4, "llama.cpp's tokens")
        XCTAssertEqual(EndpointTokenizer.count(in: Data(#"[{"id":1,"text":"a"},{"id":2,"text":"b"}]"#.utf8)), 2, "TGI's list")
        XCTAssertNil(EndpointTokenizer.count(in: Data(#"{"detail":"Not Found"}"#.utf8)))
    }

    func testCountsReplaceTheEstimateAndAreKeptForTheNextSweep() async throws {
        let server = try FaultyServer(.whole(status: 200, contentType: "application/json", body: #"{"count":7,"max_model_len":4096}"#))
        defer { server.stop() }
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", streaming: true, apiKey: "sk-test", metricsPath: nil, route: .epoll)
        let tokenizer = try EndpointTokenizer(endpoint: endpoint)
        let counted = try await tokenizer.counted(dataset())
        XCTAssertEqual(counted.dataset.prompts.map(\.promptTokens), [7, 7, 7, 7, 7])
        XCTAssertTrue(counted.dataset.prompts.allSatisfy { $0.promptTokensSource == .tokenizer })
        XCTAssertEqual(counted.estimate.error, 30.0 / 7 - 1, accuracy: 1e-9, "an estimate of 30 on average against 7 counted")
        XCTAssertFalse(counted.reused)
        XCTAssertNil(counted.keepingFailed)
        XCTAssertEqual(server.requests.count, 5)
        XCTAssertEqual(server.requests[0].path, "/tokenize")
        XCTAssertEqual(server.requests[0].fields["authorization"], "Bearer sk-test", "the API key goes with it")
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(server.requests[0].body)) as? [String: Any])
        XCTAssertEqual(body["model"] as? String, "m")
        // A chat route sends a text prompt as the user's message: it is counted so, template and all.
        let messages = try XCTUnwrap(body["messages"] as? [[String: String]], "vLLM's field")
        XCTAssertEqual(messages.map { $0["role"] }, ["user"])
        XCTAssertEqual(body["content"] as? String, messages[0]["content"], "llama.cpp's field")
        // The next sweep of the same bytes, shape and tokenizer asks nothing.
        let again = try await tokenizer.counted(dataset())
        XCTAssertTrue(again.reused)
        XCTAssertEqual(again.dataset.prompts.map(\.promptTokens), [7, 7, 7, 7, 7])
        XCTAssertEqual(server.requests.count, 5)
        // Other bytes, another shape or another model are counted afresh.
        _ = try await tokenizer.counted(dataset(fingerprint: "f2"))
        XCTAssertEqual(server.requests.count, 10)
        _ = try await tokenizer.counted(dataset(fingerprint: "f2").shaped(WorkloadShape(sharedPrefixTokens: 50)))
        XCTAssertEqual(server.requests.count, 15)
    }

    func testARouteThatIsNotThereSaysWhatToCheck() async throws {
        let server = try FaultyServer(.whole(status: 404, contentType: "application/json", body: #"{"detail":"Not Found"}"#))
        defer { server.stop() }
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", streaming: true, apiKey: nil, metricsPath: nil, route: .epoll)
        do {
            _ = try await EndpointTokenizer(endpoint: endpoint).counted(dataset())
            XCTFail("a 404 is no count")
        } catch let error as EndpointTokenizerError {
            XCTAssertTrue(error.description.contains("answered HTTP 404"), error.description)
            XCTAssertTrue(error.description.contains("/tokenize route"), error.description)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: TokenCounts.path(for: dataset())), "nothing kept")
    }
}

/// llama.cpp's `/tokenize` knows no chat template: a chat is put through its `/apply-template`
/// first and counted with its special tokens, which is what its chat route's usage counts.
final class TemplatedCountTests: XCTestCase {
    /// Answers as llama.cpp does: `/apply-template` wraps the user's text; `/tokenize` gives one
    /// token per word, and one more for the special token when `add_special` is set.
    private final class LlamaLike: HTTPRequestHandler, @unchecked Sendable {
        func handle(_ request: HTTPServerRequest, response: HTTPResponseWriter) {
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            switch request.path {
            case "/apply-template":
                let user = ((body["messages"] as? [[String: String]])?.last?["content"]) ?? ""
                let templated = try! JSONSerialization.data(withJSONObject: ["prompt": "<turn> user " + user + " <end> <turn> model"])
                response.send(status: 200, body: Array(templated))
            default:
                let words = ((body["content"] as? String) ?? "").split(separator: " ").count + (body["add_special"] as? Bool == true ? 1 : 0)
                response.send(status: 200, body: Array(try! JSONSerialization.data(withJSONObject: ["tokens": Array(0..<words)])))
            }
        }
    }

    func testAChatIsCountedThroughTheTemplate() async throws {
        let loop = try EventLoop(name: "llama-like")
        defer { loop.shutdown() }
        let server = try HTTPServer(loop: loop, handler: LlamaLike())
        let prompt = Prompt(content: .text("one two three"), promptTokens: 3, promptTokensSource: .estimate, maxOutputTokens: nil, line: 1)
        for (api, expected) in [(APIKind.openAIChat, 3 + 5 + 1), (.openAICompletions, 3)] {
            let endpoint = try LiveEndpoint(url: "http://127.0.0.1:\(server.port)", api: api, model: "m", streaming: true)
            let count = try await EndpointTokenizer(endpoint: endpoint).count(prompt)
            XCTAssertEqual(count, expected, "\(api): the template's 5 words and the special token for a chat; the text alone for completions")
        }
    }
}
