import Crest
import Foundation
import XCTest
@testable import CrestHTTP
import CrestTestSupport

/// Session sweeps against a live endpoint: every later turn carries the conversation so far, with
/// the endpoint's replies as it gave them (streamed or whole, for each API's shape).
final class SessionReplyTests: XCTestCase {
    // MARK: - Reading a reply's text

    func testTheAnswerTextOfEachStreamedEventShape() {
        func text(_ api: APIKind, _ json: String) -> String? { api.answerText(inEvent: Array(json.utf8)) }
        XCTAssertEqual(text(.openAIChat, #"{"choices":[{"delta":{"content":"Hel"}}]}"#), "Hel")
        // Reasoning is no part of the reply a chat client sends back.
        XCTAssertNil(text(.openAIChat, #"{"choices":[{"delta":{"reasoning_content":"hmm"}}]}"#))
        XCTAssertNil(text(.openAIChat, #"{"choices":[],"usage":{"prompt_tokens":3}}"#))
        XCTAssertEqual(text(.openAICompletions, #"{"choices":[{"text":" world"}]}"#), " world")
        XCTAssertEqual(text(.tgi, #"{"token":{"id":5,"text":"lo","special":false}}"#), "lo")
        // TGI's end-of-sequence token is no text of the answer.
        XCTAssertNil(text(.tgi, #"{"token":{"id":2,"text":"</s>","special":true},"details":{"generated_tokens":2}}"#))
        XCTAssertNil(text(.openAIChat, "not json"))
    }

    /// The text is read from the event's bytes: every escape JSON has, characters beyond the basic
    /// plane as surrogate pairs, and whatever a JSON encoder writes, read back as it wrote it.
    func testTheTextIsReadFromTheBytesAsAJSONDecoderReadsIt() throws {
        let escaped = #"{"choices":[{"delta":{"content":"a\"b\\c\/d\n\t\r\b\f\u00e9\u4e2d\ud83d\ude00 \ud800!"}}]}"#
        XCTAssertEqual(APIKind.openAIChat.answerText(inEvent: Array(escaped.utf8)), "a\"b\\c/d\n\t\r\u{8}\u{C}é中😀 \u{FFFD}!")
        // A key's first string, past keys of other values: logprobs' content is an array.
        let logprobs = #"{"choices":[{"logprobs":{"content":[{"token":"x"}]},"delta":{"content":"x"}}]}"#
        XCTAssertEqual(APIKind.openAIChat.answerText(inEvent: Array(logprobs.utf8)), "x")
        XCTAssertNil(APIKind.openAIChat.answerText(inEvent: Array(#"{"choices":[{"delta":{"content":null,"reasoning_content":"hm"}}]}"#.utf8)))
        XCTAssertNil(APIKind.openAIChat.answerText(inEvent: Array(#"{"choices":[{"delta":{"content":"broken \x"}}]}"#.utf8)))
        var random = SeededRandom(seed: 11)
        let alphabet = Array("ab \"\\/\n\t\r\u{1}\u{1F}é中😀\u{7F}\u{2028}{}[]:,")
        for _ in 0..<500 {
            let text = String((0..<random.nextInt(below: 40)).map { _ in alphabet[random.nextInt(below: alphabet.count)] })
            let event: [String: Any] = ["id": "x", "choices": [["index": 0, "delta": ["content": text]]]]
            let bytes = Array(try JSONSerialization.data(withJSONObject: event))
            XCTAssertEqual(APIKind.openAIChat.answerText(inEvent: bytes), text)
            let token: [String: Any] = ["token": ["id": 3, "text": text, "special": false], "generated_text": NSNull()]
            XCTAssertEqual(APIKind.tgi.answerText(inEvent: Array(try JSONSerialization.data(withJSONObject: token))), text)
        }
    }

    func testTheAnswerTextOfEachWholeBodyShape() {
        func text(_ api: APIKind, _ json: String) -> String? { api.answerText(ofBody: Array(json.utf8)) }
        XCTAssertEqual(text(.openAIChat, #"{"choices":[{"message":{"role":"assistant","content":"Hi there"}}]}"#), "Hi there")
        XCTAssertEqual(text(.openAICompletions, #"{"choices":[{"text":"Hi there"}]}"#), "Hi there")
        XCTAssertEqual(text(.tgi, #"{"generated_text":"Hi there"}"#), "Hi there")
        XCTAssertEqual(text(.tgi, #"[{"generated_text":"Hi there"}]"#), "Hi there")
        XCTAssertEqual(text(.sagemakerOpenAIChat, #"{"choices":[{"message":{"content":"Hi there"}}]}"#), "Hi there")
        XCTAssertEqual(text(.bedrock, #"{"output":{"message":{"content":[{"text":"Hi "},{"text":"there"}]}}}"#), "Hi there")
        XCTAssertNil(text(.openAIChat, "<html>"))
    }

    // MARK: - Over HTTP

    /// Three-turn conversations at two users against a scripted endpoint, which streams the
    /// tokens "t0" ... "t4" (TGI: "t" five times) or answers "text" whole.
    private func converse(
        api: APIKind, streaming: Bool, dataset plain: Dataset = .scripted()
    ) async throws -> (samples: [Sample], bodies: [[String: Any]]) {
        let server = try ScriptedServer(ScriptedEndpoint.Script(firstTokenDelay: 0.005, tokenGap: 0.002))
        defer { server.stop() }
        let endpoint = try LiveEndpoint(url: server.url, api: api, model: "scripted", streaming: streaming, metricsPath: nil)
        let dataset = plain.shaped(WorkloadShape(sessions: SessionShape(turns: 3, meanThinkSeconds: 0.02)))
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        let run = try await measurer.measure(Level(concurrency: 2), until: .requests(12))
        let bodies = server.endpoint.requestBodies.map { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] ?? [:] }
        return (run.samples, bodies)
    }

    func testEachTurnCarriesTheConversationWithTheStreamedReplies() async throws {
        let (samples, bodies) = try await converse(api: .openAIChat, streaming: true)
        let conversations = bodies.compactMap { $0["messages"] as? [[String: String]] }
        XCTAssertEqual(conversations.count, bodies.count)
        // Turn 1 is the prompt alone; turn k holds 2k − 1 messages, every reply the streamed text.
        let lengths = Set(conversations.map(\.count))
        XCTAssertEqual(lengths, [1, 3, 5], "\(lengths)")
        for messages in conversations {
            XCTAssertEqual(messages.map { $0["role"]! }, (0..<messages.count).map { $0 % 2 == 0 ? "user" : "assistant" })
            for reply in messages.filter({ $0["role"] == "assistant" }) { XCTAssertEqual(reply["content"], "t0t1t2t3t4") }
            XCTAssertTrue(messages.filter { $0["role"] == "user" }.allSatisfy { $0["content"]!.hasPrefix("prompt ") })
        }
        // A later turn starts with the turn before it, as sent: the history is carried, not redrawn.
        for messages in conversations where messages.count == 5 {
            XCTAssertTrue(conversations.contains { Array(messages.prefix(3)) == $0 }, "\(messages)")
        }
        // Each client's requests go turn 1, 2, 3, 1, ...: every turn here succeeds.
        for client in Set(samples.map(\.client)) {
            let turns = samples.filter { $0.client == client }.sorted { $0.seq < $1.seq }.map(\.turn)
            XCTAssertEqual(turns, turns.indices.map { $0 % 3 + 1 }, "client \(client)")
        }
        XCTAssertTrue(samples.allSatisfy { $0.outcome == .ok })
    }

    func testTheOtherAPIsCarryTheirRepliesToo() async throws {
        // Completions and TGI send the conversation as one text, turns apart by blank lines.
        let completions = try await converse(api: .openAICompletions, streaming: true)
        let prompts = completions.bodies.compactMap { $0["prompt"] as? String }
        XCTAssertTrue(prompts.contains { $0.contains("\n\nt0t1t2t3t4\n\nprompt ") }, "\(prompts)")
        let tgi = try await converse(api: .tgi, streaming: true)
        let inputs = tgi.bodies.compactMap { $0["inputs"] as? String }
        XCTAssertTrue(inputs.contains { $0.contains("\n\nttttt\n\nprompt ") }, "\(inputs)")
        // A whole answer's text is read from its body.
        let whole = try await converse(api: .openAIChat, streaming: false)
        let replies = whole.bodies.compactMap { $0["messages"] as? [[String: String]] }.flatMap { $0.filter { $0["role"] == "assistant" } }
        XCTAssertFalse(replies.isEmpty)
        XCTAssertTrue(replies.allSatisfy { $0["content"] == "text" }, "\(replies)")
        for run in [completions, tgi, whole] { XCTAssertTrue(run.samples.contains { $0.turn == 3 }) }
    }

    /// A conversation with later turns of its own (ShareGPT's) sends them before the dataset's next prompts.
    func testAConversationsOwnLaterTurnGoesSecond() async throws {
        let later = Prompt(content: .chat([ChatMessage(role: "user", content: "and then?")]), promptTokens: 4, promptTokensSource: .estimate, maxOutputTokens: 5, line: 1)
        let prompts = (1...4).map {
            Prompt(content: .text("prompt \($0)"), promptTokens: 100, promptTokensSource: .dataset, maxOutputTokens: 5, line: $0, laterTurns: [later])
        }
        let dataset = Dataset(name: "own", path: "own.json", format: .shareGPT, prompts: prompts, fingerprint: "0")
        let (samples, bodies) = try await converse(api: .openAIChat, streaming: true, dataset: dataset)
        let conversations = bodies.compactMap { $0["messages"] as? [[String: String]] }
        for messages in conversations where messages.count == 3 { XCTAssertEqual(messages[2]["content"], "and then?") }
        for messages in conversations where messages.count == 5 { XCTAssertTrue(messages[4]["content"]!.hasPrefix("prompt "), "\(messages)") }
        XCTAssertTrue(conversations.contains { $0.count == 5 })
        // The own turn is its opener's line.
        for client in Set(samples.map(\.client)) {
            let requests = samples.filter { $0.client == client }.sorted { $0.seq < $1.seq }
            for (opener, second) in zip(requests, requests.dropFirst()) where opener.turn == 1 {
                XCTAssertEqual(second.promptIndex, opener.promptIndex)
            }
        }
    }
}
