import XCTest
@testable import Crest

/// `--shared-prefix-tokens`, `--prefix-groups` and `--no-prefix-reuse` as a dataset sees them.
final class WorkloadShapeTests: XCTestCase {
    private func dataset(_ prompts: [Prompt]) -> Dataset {
        Dataset(name: "d", path: "d.jsonl", format: .openAIChat, prompts: prompts, fingerprint: "f")
    }

    private let chat = Prompt(content: .chat([ChatMessage(role: "user", content: "Why is the sky blue?")]), promptTokens: 7, promptTokensSource: .dataset, maxOutputTokens: 20, line: 1)
    private let chatWithSystem = Prompt(
        content: .chat([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Name a river.")]),
        promptTokens: 9, promptTokensSource: .estimate, maxOutputTokens: nil, line: 2, requestFields: ["temperature": "0"])
    private let text = Prompt(content: .text("Summarise the passage."), promptTokens: 4, promptTokensSource: .estimate, maxOutputTokens: nil, line: 3)

    func testEachPromptGetsItsGroupsSystemPromptInFront() throws {
        let shaped = dataset([chat, chatWithSystem, text, chat]).shaped(WorkloadShape(sharedPrefixTokens: 300, prefixGroups: 2))
        XCTAssertEqual(shaped.prompts.map { $0.sharedPrefix?.group }, [0, 1, 0, 1])
        let prefixTokens = try XCTUnwrap(shaped.prompts[0].sharedPrefix?.tokens)
        XCTAssertGreaterThanOrEqual(prefixTokens, 300)
        XCTAssertLessThan(prefixTokens, 360, "at most a sentence more than asked")
        // A chat gets a system message first; one it has already is kept, after the shared prompt; a
        // text prompt becomes the user's message after it.
        guard case .chat(let first) = shaped.prompts[0].content, case .chat(let second) = shaped.prompts[1].content,
              case .chat(let thirdMessages) = shaped.prompts[2].content, case .chat(let fourth) = shaped.prompts[3].content else {
            return XCTFail("every shaped prompt is a conversation")
        }
        XCTAssertEqual(thirdMessages.map(\.role), ["system", "user"])
        let third = shaped.prompts[2].content.joinedText
        XCTAssertEqual(first.map(\.role), ["system", "user"])
        XCTAssertEqual(TokenEstimator.estimate(first[0].content), prefixTokens)
        XCTAssertEqual(second.map(\.role), ["system", "user"])
        XCTAssertTrue(second[0].content.hasSuffix("\n\nBe brief."), second[0].content)
        XCTAssertTrue(third.hasPrefix(first[0].content + "\n\n"), "group 0's prompt, the same for a text prompt")
        XCTAssertTrue(third.hasSuffix("Summarise the passage."))
        XCTAssertNotEqual(first[0].content, fourth[0].content, "the two groups' system prompts differ")
        XCTAssertTrue(first[0].content.hasPrefix("You are "))
        // Counted in the prompt's tokens, which are then an estimate; the rest of the line stays.
        XCTAssertEqual(shaped.prompts[0].promptTokens, 7 + prefixTokens)
        XCTAssertEqual(shaped.prompts[0].promptTokensSource, .estimate)
        XCTAssertEqual(shaped.prompts[0].maxOutputTokens, 20)
        XCTAssertEqual(shaped.prompts[1].requestFields, ["temperature": "0"])
        XCTAssertEqual(shaped.shape, WorkloadShape(sharedPrefixTokens: 300, prefixGroups: 2))
        XCTAssertTrue(shaped.loadNotes.contains("a shared system prompt of 300 tokens (2 of them)"), "\(shaped.loadNotes)")
    }

    func testTheSystemPromptsAreTheSameForEverySweep() {
        let one = dataset([chat]).shaped(WorkloadShape(sharedPrefixTokens: 1000))
        let again = dataset([text, chat]).shaped(WorkloadShape(sharedPrefixTokens: 1000))
        guard case .chat(let a) = one.prompts[0].content, case .chat(let b) = again.prompts[1].content else { return XCTFail() }
        XCTAssertEqual(a[0].content, b[0].content, "fixed by its own seed: sweeps of other seeds and datasets share it")
    }

    func testWithoutReuseNothingIsSharedAndAPlainShapeChangesNothing() {
        let cold = dataset([chat, text]).shaped(WorkloadShape(sharedPrefixTokens: 200, prefixReuse: false))
        XCTAssertEqual(cold.prompts.map(\.sharedPrefix), [nil, nil], "the text is there, but no request may reuse it")
        XCTAssertGreaterThan(cold.prompts[0].promptTokens, 200)
        XCTAssertEqual(cold.shape.summary, "a shared system prompt of 200 tokens, every request unique (no prefix reuse)")
        let plain = dataset([chat, text])
        XCTAssertEqual(plain.shaped(.plain), plain)
        XCTAssertEqual(WorkloadShape.plain.summary, "")
    }
}
