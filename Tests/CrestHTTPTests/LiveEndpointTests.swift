import Crest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import CrestHTTP

final class LiveEndpointTests: XCTestCase {
    private let prompt = Prompt(content: .text("Tell me a story."), promptTokens: 5, promptTokensSource: .estimate, maxOutputTokens: nil, line: 1)

    private func requestParts(_ endpoint: LiveEndpoint, maxOutputTokens: Int? = 64) throws -> (head: String, body: [String: Any]) {
        let bytes = try endpoint.request(for: prompt, maxOutputTokens: maxOutputTokens)
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let body = try JSONSerialization.jsonObject(with: Data(parts[1].utf8)) as! [String: Any]
        return (parts[0], body)
    }

    func testURLsAndDefaultPaths() throws {
        let chat = try LiveEndpoint(url: "http://localhost:8000", api: .openAIChat, model: "m")
        XCTAssertEqual(chat.port, 8000)
        XCTAssertEqual(chat.path, "/v1/chat/completions")
        XCTAssertEqual(chat.displayURL, "http://localhost:8000/v1/chat/completions")
        XCTAssertEqual(try LiveEndpoint(url: "http://h", api: .tgi, model: "m", streaming: false).path, "/generate")
        XCTAssertEqual(try LiveEndpoint(url: "http://h:1/custom/v1/completions", api: .openAICompletions, model: "m").path, "/custom/v1/completions")
        let secure = try LiveEndpoint(url: "https://api.example.com/v1/chat/completions", api: .openAIChat, model: "m")
        XCTAssertEqual(secure.route, TLSContext.isAvailable ? .epoll : .urlSession, "https goes through the epoll client where OpenSSL 3 is")
        XCTAssertEqual(secure.port, 443)
        XCTAssertEqual(secure.displayURL, "https://api.example.com/v1/chat/completions")
        XCTAssertEqual(chat.route, .epoll)
        XCTAssertThrowsError(try LiveEndpoint(url: "ftp://h", api: .openAIChat, model: "m"))
        XCTAssertThrowsError(try LiveEndpoint(url: "localhost:8000", api: .openAIChat, model: "m"))
    }

    func testChatRequestAsksForUsageAndMergesExtraFields() throws {
        let endpoint = try LiveEndpoint(
            url: "http://127.0.0.1:9", api: .openAIChat, model: "llama", extraFields: ["temperature": "0", "max_tokens": "10"])
        let (head, body) = try requestParts(endpoint)
        XCTAssertTrue(head.hasPrefix("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"))
        XCTAssertEqual(body["model"] as? String, "llama")
        XCTAssertEqual(body["stream"] as? Bool, true)
        XCTAssertEqual((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool, true)
        XCTAssertEqual((body["messages"] as? [[String: String]])?.first?["content"], "Tell me a story.")
        XCTAssertEqual(body["temperature"] as? Int, 0)
        XCTAssertEqual(body["max_tokens"] as? Int, 10, "an extra field wins over Crest's own")
    }

    // A dataset line's request parameters go with its request as given; a --request-field of the
    // same name wins. TGI takes them in `parameters`, Converse under its own names.
    func testADatasetLinesParametersAreSentUnderTheCommandLinesOwn() throws {
        let carried = Prompt(
            content: .text("Tell me a story."), promptTokens: 5, promptTokensSource: .estimate, maxOutputTokens: nil, line: 1,
            requestFields: ["temperature": "0", "seed": "7", "stop": "[\"\\n\"]", "top_k": "20"])
        let chat = try LiveEndpoint(url: "http://h:80", api: .openAIChat, model: "m", extraFields: ["temperature": "0.7"])
        let chatBody = try JSONSerialization.jsonObject(with: Data(chat.body(for: carried, maxOutputTokens: nil))) as! [String: Any]
        XCTAssertEqual(chatBody["temperature"] as? Double, 0.7, "the command line wins")
        XCTAssertEqual(chatBody["seed"] as? Int, 7)
        XCTAssertEqual(chatBody["stop"] as? [String], ["\n"])
        XCTAssertEqual(chatBody["top_k"] as? Int, 20)
        let tgi = try LiveEndpoint(url: "http://h:80", api: .tgi, model: "m")
        let parameters = (try JSONSerialization.jsonObject(with: Data(tgi.body(for: carried, maxOutputTokens: 5))) as! [String: Any])["parameters"] as! [String: Any]
        XCTAssertEqual(parameters["temperature"] as? Int, 0)
        XCTAssertEqual(parameters["seed"] as? Int, 7)
        XCTAssertEqual(parameters["max_new_tokens"] as? Int, 5)
        let converse = try JSONSerialization.jsonObject(with: Data(APIKind.bedrock.body(for: carried, model: "m", streaming: true, maxOutputTokens: 64, extraFields: [:]))) as! [String: Any]
        let inference = converse["inferenceConfig"] as! [String: Any]
        XCTAssertEqual(inference["maxTokens"] as? Int, 64)
        XCTAssertEqual(inference["temperature"] as? Int, 0)
        XCTAssertEqual(inference["stopSequences"] as? [String], ["\n"])
        XCTAssertNil(converse["temperature"], "Converse takes no top-level temperature")
        XCTAssertEqual((converse["additionalModelRequestFields"] as? [String: Any])?["top_k"] as? Int, 20)
        XCTAssertEqual((converse["additionalModelRequestFields"] as? [String: Any])?["seed"] as? Int, 7)
    }

    func testTGIRequestPutsSettingsInParameters() throws {
        let (head, body) = try requestParts(try LiveEndpoint(url: "http://h:80", api: .tgi, model: "ignored"))
        XCTAssertTrue(head.hasPrefix("POST /generate_stream HTTP/1.1\r\nHost: h\r\n"))
        XCTAssertEqual(body["inputs"] as? String, "Tell me a story.")
        let parameters = body["parameters"] as? [String: Any]
        XCTAssertEqual(parameters?["max_new_tokens"] as? Int, 64)
        XCTAssertEqual(parameters?["details"] as? Bool, true)
    }

    func testURLSessionRequestsCarryTheSameBodyAndHeaders() throws {
        let endpoint = try LiveEndpoint(url: "https://h/v1/completions", api: .openAICompletions, model: "m", apiKey: "sk-1")
        let request = try endpoint.urlRequest(for: prompt, maxOutputTokens: 7)
        XCTAssertEqual(request.url?.absoluteString, "https://h/v1/completions")
        XCTAssertEqual(request.httpMethod, "POST")
        XCTAssertEqual(request.value(forHTTPHeaderField: "Authorization"), "Bearer sk-1")
        XCTAssertEqual(request.httpBody.map { Array($0) }, try endpoint.body(for: prompt, maxOutputTokens: 7))
    }

    func testTheAPIKeyGoesOnlyIntoTheAuthorizationHeader() throws {
        let endpoint = try LiveEndpoint(url: "http://h:1", api: .openAIChat, model: "m", apiKey: "sk-secret-123")
        let (head, _) = try requestParts(endpoint)
        XCTAssertTrue(head.contains("Authorization: Bearer sk-secret-123"))
        XCTAssertFalse(endpoint.displayURL.contains("sk-secret"))
        XCTAssertFalse(String(describing: endpoint).contains("sk-secret"), "a printed endpoint must not show the key")
    }

    func testAnExtraFieldThatIsNotJSONIsRefused() throws {
        let endpoint = try LiveEndpoint(url: "http://h:1", api: .openAIChat, model: "m", extraFields: ["stop": "[unclosed"])
        XCTAssertThrowsError(try endpoint.request(for: prompt, maxOutputTokens: nil))
    }
}
