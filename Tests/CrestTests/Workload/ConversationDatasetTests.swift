import Foundation
import XCTest
@testable import Crest

/// Datasets that hold answers as well as prompts (ShareGPT, chat lines ending in the assistant's
/// reply, prompt-and-output lines): what is sent, and how long an answer each request asks for.
final class ConversationDatasetTests: XCTestCase {
    private func load(_ text: String, maxTokens: Int? = nil, path: String = "chats.json") throws -> Dataset {
        try DatasetLoader(defaultMaxOutputTokens: maxTokens).parse(Data(text.utf8), path: path)
    }

    private func assertError(_ text: String, _ expected: String, path: String = "chats.json", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(text, path: path), file: file, line: line) { error in
            XCTAssertEqual((error as? WorkloadError)?.description, expected, file: file, line: line)
        }
    }

    private let reply = "Feed it, then keep it cold until you return."

    // A ShareGPT array: each conversation sends its turns before the first reply (a system turn
    // included, speakers mapped to chat roles) and asks for an answer as long as that reply. A
    // second exchange is not sent; conversations with nothing to send are skipped and counted.
    func testAShareGPTArraySendsEachConversationUpToItsFirstReply() throws {
        let dataset = try load("""
            [
              {"id": "a", "conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "How do I keep a starter alive?"},
                {"from": "gpt", "value": "\(reply)"}, {"from": "human", "value": "And then?"}, {"from": "gpt", "value": "Bake."}]},
              {"id": "b", "conversations": []},
              {"id": "c", "conversations": [{"from": "gpt", "value": "Hello! How can I help?"}]},
              {"id": "d", "conversations": [{"from": "user", "value": "Only a question, [with brackets], \\"quotes\\" and {braces}"}]}
            ]
            """)
        XCTAssertEqual(dataset.format, .shareGPT)
        XCTAssertEqual(dataset.name, "chats")
        XCTAssertEqual(dataset.skippedConversations, 2)
        XCTAssertEqual(dataset.prompts.map(\.line), [2, 6], "a conversation is named by the line it starts on")
        XCTAssertEqual(dataset.prompts[0].content, .chat([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "How do I keep a starter alive?")]))
        XCTAssertEqual(dataset.prompts[0].replyTokens, TokenEstimator.estimate(reply))
        XCTAssertEqual(dataset.prompts[0].maxOutputTokens, TokenEstimator.estimate(reply), "the answer's length caps the output")
        XCTAssertEqual(dataset.prompts[1].content, .chat([ChatMessage(role: "user", content: "Only a question, [with brackets], \"quotes\" and {braces}")]))
        XCTAssertNil(dataset.prompts[1].replyTokens, "no reply: the endpoint decides the length")
        XCTAssertNil(dataset.prompts[1].maxOutputTokens)
        XCTAssertEqual(dataset.capsFromReplies, [TokenEstimator.estimate(reply)])
    }

    // --max-tokens fixes every answer's length over the dataset's; a line's own cap comes first.
    func testTheCommandLineCapOverridesTheReplyAndTheLinesCapOverridesBoth() throws {
        let text = """
            {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "\(reply)"}]}
            {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "\(reply)"}], "max_tokens": 7}
            """
        let asTheDataset = try load(text, path: "chats.jsonl")
        XCTAssertEqual(asTheDataset.format, .shareGPT)
        XCTAssertEqual(asTheDataset.prompts.map(\.maxOutputTokens), [TokenEstimator.estimate(reply), 7])
        let fixed = try load(text, maxTokens: 64, path: "chats.jsonl")
        XCTAssertEqual(fixed.prompts.map(\.maxOutputTokens), [64, 7])
        XCTAssertEqual(fixed.prompts.map(\.replyTokens), [TokenEstimator.estimate(reply), TokenEstimator.estimate(reply)], "the answer's length is still known")
        XCTAssertEqual(fixed.capsFromReplies, [], "no request asks for the dataset's length")
    }

    // An OpenAI chat line that ends in the assistant's answer sends what comes before it.
    func testAChatLineEndingInAnAnswerSendsTheMessagesBeforeIt() throws {
        let dataset = try load("""
            {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "\(reply)"}]}
            {"messages": [{"role": "assistant", "content": "Only an answer"}]}
            """, path: "chat.jsonl")
        XCTAssertEqual(dataset.format, .openAIChat)
        XCTAssertEqual(dataset.prompts[0].content, .chat([ChatMessage(role: "user", content: "Hi")]))
        XCTAssertEqual(dataset.prompts[0].maxOutputTokens, TokenEstimator.estimate(reply))
        XCTAssertEqual(dataset.prompts[1].content, .chat([ChatMessage(role: "assistant", content: "Only an answer")]), "a lone message is the prompt")
        XCTAssertNil(dataset.prompts[1].maxOutputTokens)
    }

    // `{"prompt", "output_tokens"}` lines, as vLLM's and inference-perf's custom datasets write them.
    func testPromptAndOutputLinesAskForTheGivenLength() throws {
        let dataset = try load("""
            {"prompt": "Write a haiku.", "output_tokens": 40}
            {"prompt": "Count to ten.", "prompt_tokens": 6}
            """, path: "custom.jsonl")
        XCTAssertEqual(dataset.format, .promptAndOutput)
        XCTAssertEqual(dataset.prompts.map(\.content), [.text("Write a haiku."), .text("Count to ten.")])
        XCTAssertEqual(dataset.prompts.map(\.maxOutputTokens), [40, nil])
        XCTAssertEqual(dataset.prompts[1].promptTokens, 6)
        XCTAssertEqual(dataset.prompts[1].promptTokensSource, .dataset)
    }

    func testErrorsNameTheFileLineAndField() {
        assertError(
            "[\n  {\"conversations\": [{\"from\": \"human\", \"value\": \"a\"}]},\n  {\"conversations\": [{\"value\": \"b\"}]}\n]\n",
            "chats.json:3: missing field 'conversations[0].from': expected who speaks: \"human\", \"gpt\" or \"system\"")
        assertError(
            "[\n  {\"conversations\": [{\"from\": \"narrator\", \"value\": \"a\"}]}\n]",
            "chats.json:2: field 'conversations[0].from': expected \"human\", \"gpt\" or \"system\" (or user, assistant, chatgpt, bard, model), not \"narrator\"")
        assertError(
            "[\n  {\"conversations\": [{\"from\": \"human\", \"value\": 3}]}\n]",
            "chats.json:2: field 'conversations[0].value': expected a string")
        assertError("[\n  {\"turns\": []}\n]", "chats.json:2: missing field 'conversations': expected an array of {\"from\", \"value\"} turns (ShareGPT)")
        assertError("[\n  {\"conversations\": []},\n  {\"conversations\": [}\n]", "chats.json:3: expected a JSON object (a conversation) starting on this line")
        assertError("[\n  {\"conversations\": []},\n", "chats.json:3: the JSON array of conversations does not close")
        assertError("[{\"conversations\": []}]\n]", "chats.json:2: text follows the JSON array's closing bracket")
        assertError("[]", "chats.json: the dataset holds no prompts")
        assertError("[{\"conversations\": []}]", "chats.json: the dataset holds no prompts")
        assertError("{\"prompt\": \"x\", \"output_tokens\": 0}\n", "chats.json:1: field 'output_tokens': expected a whole number from 1 to 16777216")
    }

    // The sample that ships with Crest (written for it, ShareGPT-shaped) loads as a sweep reads it.
    func testTheShippedShareGPTSampleLoads() throws {
        let path = try DatasetLocator.standard().path(for: "sharegpt-sample")
        XCTAssertTrue(path.hasSuffix("datasets/sharegpt-sample.json"), path)
        let dataset = try DatasetLoader().load(path: path)
        XCTAssertEqual(dataset.format, .shareGPT)
        XCTAssertEqual(dataset.prompts.count, 40)
        XCTAssertEqual(dataset.skippedConversations, 2)
        XCTAssertEqual(dataset.capsFromReplies.count, 40)
        XCTAssertGreaterThan(dataset.capsFromReplies.last!, 3 * dataset.capsFromReplies.first!, "answers of many lengths")
    }

    // Request parameters a line carries are kept for its request, as given; fields Crest neither
    // reads nor sends are counted, so the load can say so rather than drop them silently.
    func testALinesRequestParametersAreKeptAndOtherFieldsCounted() throws {
        let dataset = try load("""
            {"messages": [{"role": "user", "content": "Hi"}], "temperature": 0, "seed": 7, "stop": ["\\n"], "model": "gpt-x", "source": "forum"}
            {"messages": [{"role": "user", "content": "Hi"}], "temperature": 0.5, "model": "gpt-x"}
            """, path: "chat.jsonl")
        XCTAssertEqual(dataset.prompts[0].requestFields, ["temperature": "0", "seed": "7", "stop": "[\"\\n\"]"])
        XCTAssertEqual(dataset.prompts[1].requestFields, ["temperature": "0.5"])
        XCTAssertEqual(dataset.sentLineFields, ["temperature": 2, "seed": 1, "stop": 1])
        XCTAssertEqual(dataset.unsentFields, ["model": 2, "source": 1])
        XCTAssertEqual(Dataset.listing(dataset.unsentFields), "model (2 lines), source (1 line)")
        // FMBench's parameters are TGI's: the sampling ones are request parameters too.
        let payload = try load("""
            {"inputs": "Hi", "parameters": {"max_new_tokens": 20, "temperature": 0.1, "return_full_text": false}}
            """, path: "payload.jsonl")
        XCTAssertEqual(payload.prompts[0].requestFields, ["temperature": "0.1"])
        XCTAssertEqual(payload.prompts[0].maxOutputTokens, 20)
        XCTAssertEqual(payload.unsentFields, ["parameters.return_full_text": 1])
        // A ShareGPT conversation's id is its name, not a field to send or to warn of.
        XCTAssertEqual(try load("[{\"id\": \"x\", \"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}]}]").unsentFields, [:])
    }
}
