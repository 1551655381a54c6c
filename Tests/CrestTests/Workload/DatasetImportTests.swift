import CrestTestSupport
import Foundation
import XCTest
@testable import Crest

/// `crest datasets import`: binning and sampling a conversation file, reproducibly, into chat
/// lines a sweep loads with the same prompts and answer lengths.
final class DatasetImportTests: TemporaryFolderTestCase {
    /// 60 ShareGPT conversations whose questions grow by 3 words each, answers by 5, and one empty.
    private func source() throws -> String {
        var conversations = (0..<60).map { index -> [String: Any] in
            ["id": "c\(index)", "conversations": [
                ["from": "human", "value": Array(repeating: "word", count: 3 + 3 * index).joined(separator: " ")],
                ["from": "gpt", "value": Array(repeating: "answer", count: 5 + 5 * index).joined(separator: " ")],
            ]]
        }
        conversations.insert(["id": "empty", "conversations": []], at: 10)
        let path = folder.appendingPathComponent("share.json").path
        try JSONSerialization.data(withJSONObject: conversations, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testBinsSplitByPromptLengthAndTheFilesLoadAsTheSourcesPrompts() throws {
        let source = try source()
        let original = try DatasetLoader().load(path: source)
        let summary = try DatasetImport(bins: DatasetImport.Bin.parse("1-50,50-100,500-900"), perBin: nil, seed: 7)
            .run(source: source, out: folder.appendingPathComponent("out.jsonl").path)
        XCTAssertEqual(summary.source.prompts, 60)
        XCTAssertEqual(summary.source.skippedConversations, 1)
        let inFirst = original.prompts.count { (1..<50).contains($0.promptTokens) }
        let inSecond = original.prompts.count { (50..<100).contains($0.promptTokens) }
        XCTAssertGreaterThan(inFirst, 5)
        XCTAssertGreaterThan(inSecond, 5)
        XCTAssertEqual(summary.outputs.map(\.written), [inFirst, inSecond, 0])
        XCTAssertEqual(summary.outsideBins, 60 - inFirst - inSecond)
        XCTAssertFalse(FileManager.default.fileExists(atPath: summary.outputs[2].path), "an empty bin is no dataset: no file")
        let first = try DatasetLoader().load(path: summary.outputs[0].path)
        XCTAssertEqual(first.format, .openAIChat)
        XCTAssertTrue(first.prompts.allSatisfy { (1..<50).contains($0.promptTokens) })
        // The same prompts, answer lengths and caps as the source's, in its order.
        let expected = original.prompts.filter { (1..<50).contains($0.promptTokens) }
        XCTAssertEqual(first.prompts.map(\.content), expected.map(\.content))
        XCTAssertEqual(first.prompts.map(\.replyTokens), expected.map(\.replyTokens))
        XCTAssertEqual(first.prompts.map(\.maxOutputTokens), expected.map(\.maxOutputTokens))
        XCTAssertEqual(summary.outputs[0].promptTokens, expected.map(\.promptTokens).sorted())
    }

    func testSamplingIsReproducibleBySeed() throws {
        let source = try source()
        func sample(_ seed: UInt64, _ name: String) throws -> Data {
            let summary = try DatasetImport(bins: nil, perBin: 10, seed: seed).run(source: source, out: folder.appendingPathComponent(name).path)
            XCTAssertEqual(summary.outputs[0].written, 10)
            XCTAssertEqual(summary.outputs[0].seen, 60)
            return try Data(contentsOf: URL(fileURLWithPath: summary.outputs[0].path))
        }
        let one = try sample(7, "a.jsonl"), again = try sample(7, "b.jsonl"), other = try sample(8, "c.jsonl")
        XCTAssertEqual(one, again, "the same file and seed give the same bytes")
        XCTAssertNotEqual(one, other)
        // Kept in the source's order.
        let lengths = try DatasetLoader().load(path: folder.appendingPathComponent("a.jsonl").path).prompts.map(\.promptTokens)
        XCTAssertEqual(lengths, lengths.sorted())
    }

    func testAMalformedConversationLeavesNoFileBehind() throws {
        let path = folder.appendingPathComponent("broken.json").path
        try Data("[\n{\"conversations\": [{\"from\": \"human\", \"value\": \"fine\"}, {\"from\": \"gpt\", \"value\": \"ok\"}]},\n{\"conversations\": 5}\n]".utf8)
            .write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try DatasetImport(bins: nil, perBin: nil, seed: 7).run(source: path, out: folder.appendingPathComponent("out.jsonl").path)) { error in
            XCTAssertTrue("\(error)".contains("broken.json:3: field 'conversations'"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["broken.json"], "no output, no temporary file")
    }

    func testALinesOwnFieldsAndCountsSurviveTheImport() throws {
        let path = folder.appendingPathComponent("lines.jsonl").path
        try Data(#"{"messages": [{"role": "user", "content": "Hi"}], "temperature": 0, "max_tokens": 40, "prompt_tokens": 9, "output_tokens": 12}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let summary = try DatasetImport(bins: nil, perBin: nil, seed: 7).run(source: path, out: folder.appendingPathComponent("out.jsonl").path)
        let prompt = try XCTUnwrap(DatasetLoader().load(path: summary.outputs[0].path).prompts.first)
        XCTAssertEqual(prompt.requestFields, ["temperature": "0"])
        XCTAssertEqual(prompt.maxOutputTokens, 40)
        XCTAssertEqual(prompt.replyTokens, 12)
        XCTAssertEqual(prompt.promptTokens, 9)
        XCTAssertEqual(prompt.promptTokensSource, .dataset)
    }
}
