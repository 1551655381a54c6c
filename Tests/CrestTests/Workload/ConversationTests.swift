import Foundation
import XCTest
@testable import Crest

/// A session sweep's conversations as the live client holds them (`--session-turns`): each turn
/// carries the turns before it and the endpoint's replies.
final class ConversationTests: XCTestCase {
    private let opener = Prompt(
        content: .chat([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Name a river.")]),
        promptTokens: 12, promptTokensSource: .estimate, maxOutputTokens: 50, line: 1, sharedPrefix: SharedPrefix(group: 0, tokens: 4))
    private let next = Prompt(
        content: .chat([ChatMessage(role: "system", content: "Answer in French."), ChatMessage(role: "user", content: "And a mountain?")]),
        promptTokens: 15, promptTokensSource: .estimate, maxOutputTokens: 80, line: 2, requestFields: ["temperature": "0"])
    private let text = Prompt(content: .text("Why?"), promptTokens: 3, promptTokensSource: .dataset, maxOutputTokens: nil, line: 3)

    func testALaterTurnAddsAPromptWithoutItsSystemPrompt() {
        let added = next.followUp
        XCTAssertEqual(added.messages, [ChatMessage(role: "user", content: "And a mountain?")])
        XCTAssertEqual(added.tokens, 15 - TokenEstimator.estimate("Answer in French."))
        XCTAssertEqual(text.followUp.messages, [ChatMessage(role: "user", content: "Why?")])
        XCTAssertEqual(text.followUp.tokens, 3)
    }

    func testEachTurnCarriesTheHistoryAndTheEndpointsReplies() {
        var conversation = Conversation()
        let first = conversation.nextTurn(opener, index: 0)
        XCTAssertEqual(first, opener, "the opening turn is the prompt's own request")
        conversation.answered(first, reply: "The Danube.", promptTokens: 20, completionTokens: 4)
        let second = conversation.nextTurn(next, index: 1)
        XCTAssertEqual(conversation.turnsSent, 2)
        XCTAssertEqual(second.content.messages.map(\.role), ["system", "user", "assistant", "user"])
        XCTAssertEqual(second.content.messages[2].content, "The Danube.")
        XCTAssertEqual(second.content.messages[3].content, "And a mountain?")
        // The endpoint's count of the turn before and its answer, then the new prompt's tokens.
        XCTAssertEqual(second.promptTokens, 20 + 4 + next.followUp.tokens)
        // The conversation's system prompt stays its opener's; the turn's cap and fields are its prompt's.
        XCTAssertEqual(second.sharedPrefix, opener.sharedPrefix)
        XCTAssertEqual(second.maxOutputTokens, 80)
        XCTAssertEqual(second.requestFields, ["temperature": "0"])
        // Without the endpoint's count, the turn's own (estimated) count stands.
        conversation.answered(second, reply: "Mont Blanc.", promptTokens: nil, completionTokens: 3)
        let third = conversation.nextTurn(text, index: 2)
        XCTAssertEqual(third.promptTokens, second.promptTokens + 3 + 3)
        XCTAssertEqual(third.content.messages.count, 6)
        XCTAssertEqual(third.content.joinedText, "Be brief.\n\nName a river.\n\nThe Danube.\n\nAnd a mountain?\n\nMont Blanc.\n\nWhy?")
    }

    /// A ShareGPT conversation's own later turns come first, each capped by the dataset's reply to
    /// it; after them, the dataset's next prompts.
    func testAConversationSendsItsOwnLaterTurnsFirst() throws {
        let file = #"[{"conversations": [{"from": "human", "value": "Name a river."}, {"from": "gpt", "value": "The Danube."},"#
            + #"{"from": "human", "value": "Which countries does it cross?"}, {"from": "gpt", "value": "Ten countries, from Germany to Ukraine, through Vienna, Bratislava, Budapest and Belgrade."},"#
            + #"{"from": "human", "value": "Thanks."}, {"from": "human", "value": "And its length?"}]}]"#
        let loaded = try DatasetLoader().parse(Data(file.utf8), path: "chat.json").prompts[0]
        XCTAssertEqual(loaded.laterTurns.map(\.content.joinedText), ["Which countries does it cross?", "Thanks.\n\nAnd its length?"])
        XCTAssertEqual(loaded.laterTurns[0].maxOutputTokens, TokenEstimator.estimate("Ten countries, from Germany to Ukraine, through Vienna, Bratislava, Budapest and Belgrade."))
        XCTAssertNil(loaded.laterTurns[1].maxOutputTokens, "no reply: the endpoint decides")
        // --max-tokens caps every turn.
        let capped = try DatasetLoader(defaultMaxOutputTokens: 64).parse(Data(file.utf8), path: "chat.json").prompts[0]
        XCTAssertEqual(capped.laterTurns.map(\.maxOutputTokens), [64, 64])

        var conversation = Conversation()
        _ = conversation.nextTurn(loaded, index: 7)
        XCTAssertTrue(conversation.nextTurnIsItsOwn)
        conversation.answered(loaded, reply: "The Danube!", promptTokens: nil, completionTokens: 3)
        let second = conversation.nextTurn(text, index: 3)
        XCTAssertEqual(second.content.messages.last?.content, "Which countries does it cross?")
        XCTAssertEqual(second.maxOutputTokens, loaded.laterTurns[0].maxOutputTokens)
        XCTAssertEqual(conversation.openerIndex, 7)
        conversation.answered(second, reply: "Ten.", promptTokens: nil, completionTokens: 1)
        XCTAssertTrue(conversation.nextTurnIsItsOwn)
        _ = conversation.nextTurn(text, index: 3)
        conversation.answered(second, reply: "2,850 km.", promptTokens: nil, completionTokens: 4)
        XCTAssertFalse(conversation.nextTurnIsItsOwn, "its own turns are spent")
        let fourth = conversation.nextTurn(text, index: 3)
        XCTAssertEqual(fourth.content.messages.last?.content, "Why?")
        XCTAssertEqual(fourth.content.messages.map(\.role), ["user", "assistant", "user", "assistant", "user", "assistant", "user"])
    }

    /// A later turn that is not a user's or an assistant's text ends the later turns, and is no
    /// error: a sweep of single requests never sends it.
    func testAnOddLaterTurnEndsTheLaterTurnsQuietly() throws {
        let file = #"{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}, {"from": "human", "value": "More"}, {"from": "gpt", "value": "Sure"}, {"from": "bing", "value": "?"}, {"from": "human", "value": "Never read"}]}"#
        let loaded = try DatasetLoader().parse(Data(file.utf8), path: "chat.jsonl").prompts[0]
        XCTAssertEqual(loaded.laterTurns.map(\.content.joinedText), ["More"])
    }

    func testTheShapeIsKeptInRunJSONAndReadWithoutIt() throws {
        let shape = WorkloadShape(sessions: SessionShape(turns: 4, meanThinkSeconds: 2.5))
        let json = String(decoding: try JSONEncoder().encode(shape), as: UTF8.self)
        XCTAssertTrue(json.contains(#""sessions":{"#), json)
        XCTAssertTrue(json.contains(#""think_time_s":2.5"#), json)
        XCTAssertEqual(try JSONDecoder().decode(WorkloadShape.self, from: Data(json.utf8)), shape)
        // Written before sessions: none.
        let older = #"{"prefix_groups":1,"prefix_reuse":true}"#
        XCTAssertNil(try JSONDecoder().decode(WorkloadShape.self, from: Data(older.utf8)).sessions)
        XCTAssertFalse(shape.isPlain)
        XCTAssertEqual(shape.summary, "conversations of 4 turns, a mean of 2.5 s thinking between turns")
        XCTAssertEqual(shape.tag, "4 turns, 2.5 s think")
    }

    func testThinkTimesAreExponentialBySeed() {
        let shape = SessionShape(turns: 2, meanThinkSeconds: 3)
        var random = SeededRandom(seed: 1), again = SeededRandom(seed: 1)
        let draws = (0..<4000).map { _ in shape.drawThinkTime(&random) }
        XCTAssertEqual(draws, (0..<4000).map { _ in shape.drawThinkTime(&again) })
        let mean = Double(draws.reduce(0, +)) / Double(draws.count) / 1e9
        XCTAssertEqual(mean, 3, accuracy: 4 * 3 / 4000.0.squareRoot())
        var none = SeededRandom(seed: 1)
        XCTAssertEqual(SessionShape(turns: 2, meanThinkSeconds: 0).drawThinkTime(&none), 0)
    }
}
