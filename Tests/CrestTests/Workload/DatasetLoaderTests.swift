import Foundation
import Glibc
import XCTest
@testable import Crest

final class DatasetLoaderTests: XCTestCase {
    private func load(_ text: String, maxTokens: Int? = nil, path: String = "data.jsonl") throws -> Dataset {
        try DatasetLoader(defaultMaxOutputTokens: maxTokens).parse(Data(text.utf8), path: path)
    }

    private func assertError(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(text), file: file, line: line) { error in
            XCTAssertEqual((error as? WorkloadError)?.description, expected, file: file, line: line)
        }
    }

    func testReadsFMBenchPayloadLines() throws {
        let dataset = try load("""
            {"inputs": "What is the capital of France?"}

            {"inputs": "Summarise this.", "parameters": {"max_new_tokens": 64}}
            {"inputs": "Count.", "prompt_tokens": 1234, "max_tokens": 10}
            """)
        XCTAssertEqual(dataset.format, .fmbenchPayload)
        XCTAssertEqual(dataset.name, "data")
        XCTAssertEqual(dataset.prompts.map(\.line), [1, 3, 4])
        XCTAssertEqual(dataset.prompts[0].content, .text("What is the capital of France?"))
        XCTAssertEqual(dataset.prompts[0].promptTokensSource, .estimate)
        XCTAssertEqual(dataset.prompts[0].promptTokens, TokenEstimator.estimate("What is the capital of France?"))
        XCTAssertNil(dataset.prompts[0].maxOutputTokens)
        XCTAssertEqual(dataset.prompts[1].maxOutputTokens, 64)
        XCTAssertEqual(dataset.prompts[2].promptTokens, 1234)
        XCTAssertEqual(dataset.prompts[2].promptTokensSource, .dataset)
        XCTAssertEqual(dataset.prompts[2].maxOutputTokens, 10)
        XCTAssertTrue(dataset.hasEstimatedTokenCounts)
    }

    func testReadsOpenAIChatLines() throws {
        let dataset = try load("""
            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello there"}], "max_tokens": 32}
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "Part one"}, {"type": "image_url"}]}]}
            """, maxTokens: 100)
        XCTAssertEqual(dataset.format, .openAIChat)
        XCTAssertEqual(dataset.prompts[0].content, .chat([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Hello there")]))
        XCTAssertEqual(dataset.prompts[0].maxOutputTokens, 32)
        XCTAssertEqual(dataset.prompts[1].maxOutputTokens, 100, "the command line's cap applies where the line has none")
        XCTAssertEqual(dataset.prompts[1].content.joinedText, "Part one")
        // 3 for the reply + 4 per message + the text.
        XCTAssertEqual(dataset.prompts[0].promptTokens, 3 + 4 + 3 + 4 + 2)
    }

    func testReadsPlainTextOnePromptPerLine() throws {
        let dataset = try load("first prompt\r\n\nsecond prompt here\n", maxTokens: 50, path: "prompts.txt")
        XCTAssertEqual(dataset.format, .plainText)
        XCTAssertEqual(dataset.prompts.map(\.content), [.text("first prompt"), .text("second prompt here")])
        XCTAssertEqual(dataset.prompts.map(\.maxOutputTokens), [50, 50])
    }

    func testFingerprintFollowsTheBytes() throws {
        XCTAssertEqual(try load("a\n").fingerprint, try load("a\n").fingerprint)
        XCTAssertNotEqual(try load("a\n").fingerprint, try load("b\n").fingerprint)
    }

    func testErrorsNameTheFileLineAndField() {
        assertError(
            "{\"inputs\": \"ok\"}\n{\"inputs\": \"ok\"\n",
            "data.jsonl:2: expected one JSON object on this line")
        assertError(
            "{\"inputs\": \"ok\"}\n\n{\"prompt\": \"x\"}\n",
            "data.jsonl:3: missing field 'inputs': expected the prompt as a string")
        assertError(
            "{\"inputs\": 42}\n",
            "data.jsonl:1: field 'inputs': expected a non-empty string")
        assertError(
            "{\"question\": \"x\"}\n",
            "data.jsonl:1: missing field 'inputs': expected a prompt string (FMBench payload), a 'messages' array (OpenAI chat), a 'conversations' array (ShareGPT) or a 'prompt' string (with 'output_tokens')")
        assertError(
            "{\"inputs\": \"ok\", \"parameters\": {\"max_new_tokens\": \"lots\"}}\n",
            "data.jsonl:1: field 'parameters.max_new_tokens': expected a whole number from 1 to 16777216")
        assertError(
            "{\"inputs\": \"ok\", \"max_tokens\": true}\n",
            "data.jsonl:1: field 'max_tokens': expected a whole number from 1 to 16777216")
        assertError(
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n{\"messages\": [{\"content\": \"hi\"}]}\n",
            "data.jsonl:2: missing field 'messages[0].role': expected a string such as \"user\"")
        assertError(
            "{\"messages\": []}\n",
            "data.jsonl:1: field 'messages': expected a non-empty array of {\"role\", \"content\"} objects")
        assertError("\n  \n", "data.jsonl: the dataset holds no prompts")
    }

    func testUnreadableFilesSaySo() {
        XCTAssertThrowsError(try DatasetLoader().load(path: "/nonexistent/prompts.jsonl")) { error in
            XCTAssertEqual((error as? WorkloadError)?.description, "/nonexistent/prompts.jsonl: cannot read the dataset: no such file")
        }
    }

    /// A FIFO once said "You don't have permission" (and reading one waits for a writer).
    func testOnlyARegularFileIsADataset() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-special-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertEqual(mkfifo("\(folder)/fifo.jsonl", 0o600), 0)
        XCTAssertThrowsError(try DatasetLoader().load(path: "\(folder)/fifo.jsonl")) { error in
            XCTAssertEqual((error as? WorkloadError)?.description, "\(folder)/fifo.jsonl: cannot read the dataset: it is a FIFO, not a regular file")
        }
        XCTAssertThrowsError(try DatasetLoader().load(path: folder)) { error in
            XCTAssertEqual((error as? WorkloadError)?.description, "\(folder): cannot read the dataset: it is a directory, not a regular file")
        }
        try "a prompt\n".write(toFile: "\(folder)/real.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: "\(folder)/link.txt", withDestinationPath: "\(folder)/real.txt")
        XCTAssertEqual(try DatasetLoader().load(path: "\(folder)/link.txt").prompts.count, 1, "a link to a dataset is the dataset")
    }

    func testLocatorFindsBinsByName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-locator-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(folder)/en_1-500.jsonl", contents: Data("{\"inputs\": \"x\"}\n".utf8)))
        let locator = DatasetLocator(searchFolders: [folder])
        XCTAssertEqual(try locator.path(for: "en_1-500"), "\(folder)/en_1-500.jsonl")
        XCTAssertThrowsError(try locator.path(for: "en_9-10")) { error in
            XCTAssertEqual(
                (error as? WorkloadError)?.description,
                "dataset 'en_9-10': no such file or bin (looked for en_9-10, \(folder)/en_9-10.jsonl, \(folder)/en_9-10.json, \(folder)/en_9-10)")
        }
    }

    func testTheShippedBinsAreFoundFromTheBuiltExecutable() throws {
        let package = FileManager.default.temporaryDirectory.appendingPathComponent("crest-package-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(package)/.build/debug", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(package)/datasets", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: package) }
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(package)/Package.swift", contents: Data()))
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(package)/datasets/en_1-500.jsonl", contents: Data("{\"inputs\": \"x\"}\n".utf8)))
        let locator = DatasetLocator.standard(environment: [:], executablePath: "\(package)/.build/debug/crest")
        XCTAssertEqual(locator.searchFolders, ["datasets", "\(package)/datasets"])
        XCTAssertNil(DatasetLocator.packageFolder(containing: "/usr/bin/crest"), "no package above a system path")
    }
}
