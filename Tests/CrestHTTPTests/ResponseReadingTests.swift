import Crest
import XCTest
@testable import CrestHTTP

final class ResponseReadingTests: XCTestCase {
    private func event(_ data: String, name: String? = nil) -> ServerSentEvent {
        ServerSentEvent(name: name.map { Array($0.utf8) }, data: Array(data.utf8))
    }

    func testOpenAIChatStreamAsVLLMSendsIt() {
        var reading = ResponseReading()
        let api = APIKind.openAIChat
        // The first chunk names the role with empty content: not a token.
        XCTAssertFalse(api.read(event(#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}"#), into: &reading))
        XCTAssertTrue(api.read(event(#"{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}"#), into: &reading))
        // Python's json.dumps puts a space after colons.
        XCTAssertTrue(api.read(event(#"{"choices": [{"delta": {"content": " world"}}]}"#), into: &reading))
        XCTAssertTrue(api.read(event(#"{"choices":[{"delta":{"reasoning_content":"hmm","content":null}}]}"#), into: &reading))
        XCTAssertFalse(api.read(event(#"{"choices":[],"usage":{"prompt_tokens":17,"completion_tokens":3,"total_tokens":20}}"#), into: &reading))
        XCTAssertFalse(api.read(event("[DONE]"), into: &reading))
        XCTAssertEqual(reading.tokenEvents, 3)
        XCTAssertEqual(reading.promptTokens, 17)
        XCTAssertEqual(reading.completion.tokens, 3)
        XCTAssertEqual(reading.completion.source, .server)
        XCTAssertFalse(reading.isError)
    }

    func testTextThatMentionsAKeyIsNotTheKey() {
        var reading = ResponseReading()
        // Inside a JSON string quotes are escaped, so this content is not an "error" key.
        XCTAssertTrue(APIKind.openAIChat.read(event(#"{"choices":[{"delta":{"content":"say \"error\": no"}}]}"#), into: &reading))
        XCTAssertFalse(reading.isError)
    }

    func testCompletionsStreamAndAnEstimateWithoutUsage() {
        var reading = ResponseReading()
        XCTAssertTrue(APIKind.openAICompletions.read(event(#"{"choices":[{"text":"a"}]}"#), into: &reading))
        XCTAssertFalse(APIKind.openAICompletions.read(event(#"{"choices":[{"text":""}]}"#), into: &reading))
        XCTAssertTrue(APIKind.openAICompletions.read(event(#"{"choices":[{"text":"b"}]}"#), into: &reading))
        XCTAssertEqual(reading.completion.tokens, 2)
        XCTAssertEqual(reading.completion.source, .estimate)
    }

    func testTGIStreamCountsTokensAndReadsTheFinalDetails() {
        var reading = ResponseReading()
        let api = APIKind.tgi
        XCTAssertTrue(api.read(event(#"{"index":1,"token":{"id":5,"text":"Hi","logprob":-0.1,"special":false},"generated_text":null,"details":null}"#), into: &reading))
        XCTAssertTrue(api.read(event(#"{"index":2,"token":{"id":2,"text":"</s>","logprob":0,"special":true},"generated_text":"Hi","details":{"finish_reason":"eos_token","generated_tokens":2,"seed":null}}"#), into: &reading))
        XCTAssertEqual(reading.completion.tokens, 2)
        XCTAssertEqual(reading.completion.source, .server)
    }

    func testErrorsInsideAStreamAreCaught() {
        for (data, name) in [(#"{"error":{"message":"overloaded"}}"#, nil), (#"{"object":"error","message":"x"}"#, nil), ("boom", "error")] {
            var reading = ResponseReading()
            XCTAssertFalse(APIKind.openAIChat.read(event(data, name: name), into: &reading))
            XCTAssertTrue(reading.isError, data)
        }
    }

    func testWholeBodies() {
        let chat = APIKind.openAIChat.readBody(Array(#"{"choices":[{"message":{"role":"assistant","content":"four words of text"}}],"usage":{"prompt_tokens":9,"completion_tokens":4}}"#.utf8))
        XCTAssertEqual(chat.promptTokens, 9)
        XCTAssertEqual(chat.completion.tokens, 4)
        XCTAssertEqual(chat.completion.source, .server)
        let estimated = APIKind.openAICompletions.readBody(Array(#"{"choices":[{"text":"some words here"}]}"#.utf8))
        XCTAssertEqual(estimated.completion.source, .estimate)
        XCTAssertGreaterThan(estimated.completion.tokens, 0)
        let tgi = APIKind.tgi.readBody(Array(#"[{"generated_text":"x","details":{"generated_tokens":12}}]"#.utf8))
        XCTAssertEqual(tgi.completion.tokens, 12)
        XCTAssertTrue(APIKind.openAIChat.readBody(Array("not json".utf8)).isMalformed)
        XCTAssertTrue(APIKind.openAIChat.readBody(Array(#"{"id":"x"}"#.utf8)).isMalformed)
        XCTAssertTrue(APIKind.tgi.readBody(Array(#"{"error":"Input validation error"}"#.utf8)).isError)
    }
}
