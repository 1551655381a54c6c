import Crest
import CrestHTTP
import CrestServe
import CrestSimulator
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// `crest serve`'s `POST /tokenize`, with the simulator's own tokenizer, in every engine's shape:
/// a count asked for a chat is the count its answer's usage gives.
final class ServedTokenizeTests: XCTestCase {
    private func post(_ port: Int, _ body: String) async throws -> (Int, Any) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/tokenize")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, try JSONSerialization.jsonObject(with: data))
    }

    func testEveryEnginesShapeAndTheChatsCountIsItsUsage() async throws {
        let loop = try EventLoop(name: "served-tokenize")
        defer { loop.shutdown() }
        let server = try SimulatedInferenceServer(endpoint: SimulatorPreset.a100.endpoint, modelName: "sim", seed: 1).listen(on: loop, port: 0)
        let text = "Why is the sky blue, and why are sunsets red?"
        let expected = TokenEstimator.estimate(text)
        let (status, vllm) = try await post(server.port, #"{"model":"sim","prompt":"\#(text)"}"#)
        XCTAssertEqual(status, 200)
        XCTAssertEqual((vllm as? [String: Any])?["count"] as? Int, expected)
        XCTAssertEqual((vllm as? [String: Any])?["max_model_len"] as? Int, 8192)
        let (_, llama) = try await post(server.port, #"{"content":"\#(text)"}"#)
        XCTAssertEqual(((llama as? [String: Any])?["tokens"] as? [Any])?.count, expected)
        let (_, tgi) = try await post(server.port, #"{"inputs":"\#(text)"}"#)
        XCTAssertEqual((tgi as? [Any])?.count, expected)
        let (refused, _) = try await post(server.port, #"{"nothing":1}"#)
        XCTAssertEqual(refused, 400)

        // A chat counted through EndpointTokenizer, then sent: the usage says the same count.
        let messages = [ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: text)]
        let prompt = Prompt(content: .chat(messages), promptTokens: 1, promptTokensSource: .estimate, maxOutputTokens: 4, line: 1)
        let endpoint = try LiveEndpoint(url: "http://127.0.0.1:\(server.port)", api: .openAIChat, model: "sim", streaming: true)
        let counted = try await EndpointTokenizer(endpoint: endpoint).count(prompt)
        let measurer = try LiveMeasurer(
            endpoint: endpoint, dataset: Dataset(name: "one", path: "one.jsonl", format: .openAIChat, prompts: [prompt], fingerprint: "0"),
            seed: 1, requestTimeoutSeconds: 10)
        defer { measurer.shutdown() }
        let run = try await measurer.measure(Level(concurrency: 1), until: .requests(1))
        XCTAssertEqual(run.samples.first?.promptTokens, counted, "the server's usage and its tokenizer agree")
        XCTAssertEqual(run.samples.first?.tokensSource, .server)
    }
}
