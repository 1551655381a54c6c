import Foundation
import XCTest
@testable import Crest

/// A dataset read a piece at a time is the dataset read whole: whatever the pieces, the same
/// prompts, fingerprint and skipped conversations, and the same error on the same line. This is
/// what lets a gigabyte be read in bounded memory.
final class DatasetStreamingTests: XCTestCase {
    private let files: [(name: String, text: String)] = [
        ("sharegpt.json", """
            [
              {"id": "a", "conversations": [{"from": "system", "value": "Be brief, [really] {brief}."}, {"from": "human", "value": "Why \\"quotes\\"?"},
                {"from": "gpt", "value": "Because."}]},
              {"id": "b", "conversations": []},
              {"id": "c", "conversations": [{"from": "human", "value": "A second question, with a comma"}, {"from": "gpt", "value": "A long answer here."}]}
            ]

            """),
        ("chat.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi é\"}], \"temperature\": 0}\r\n\n{\"messages\": [{\"role\": \"user\", \"content\": \"Bye\"}, {\"role\": \"assistant\", \"content\": \"See you\"}]}"),
        ("payload.jsonl", "{\"inputs\": \"one\", \"parameters\": {\"max_new_tokens\": 9}}\n{\"inputs\": \"two\"}\n"),
        ("plain.txt", "first prompt\n  \nsecond prompt\r\nthird"),
    ]

    private func read(_ text: String, path: String, pieces size: Int) throws -> Dataset {
        let bytes = Array(text.utf8)
        var reading = DatasetReading(loader: DatasetLoader(), path: path)
        var prompts: [Prompt] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            try reading.feed(Data(bytes[start..<min(start + size, bytes.count)])) { prompts.append($0) }
        }
        return try reading.finish { prompts.append($0) }.dataset(prompts)
    }

    func testAnyPiecesGiveTheWholeFilesDataset() throws {
        for (name, text) in files {
            let whole = try DatasetLoader().parse(Data(text.utf8), path: name)
            for size in [1, 2, 3, 7, 64, 1 << 20] {
                XCTAssertEqual(try read(text, path: name, pieces: size), whole, "\(name) in pieces of \(size)")
            }
        }
        let sharegpt = try DatasetLoader().parse(Data(files[0].text.utf8), path: "sharegpt.json")
        XCTAssertEqual(sharegpt.prompts.count, 2)
        XCTAssertEqual(sharegpt.skippedConversations, 1)
        XCTAssertEqual(sharegpt.prompts.map(\.line), [2, 5])
    }

    func testAnErrorIsTheSameWhereverThePiecesBreak() throws {
        let broken = [
            ("bad.json", "[\n {\"conversations\": [{\"from\": \"human\", \"value\": \"ok\"}]},\n {\"conversations\": [}\n]"),
            ("bad.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"ok\"}]}\n{\"messages\": 3}\n"),
            ("open.json", "[ {\"conversations\": []} "),
        ]
        for (name, text) in broken {
            var whole = ""
            XCTAssertThrowsError(try DatasetLoader().parse(Data(text.utf8), path: name)) { whole = "\($0)" }
            XCTAssertFalse(whole.isEmpty)
            for size in [1, 5, 13] {
                XCTAssertThrowsError(try read(text, path: name, pieces: size), "\(name), \(size)") { XCTAssertEqual("\($0)", whole, "\(name), \(size)") }
            }
        }
    }

    func testTheFingerprintIsTheWholeFilesHash() throws {
        let text = files[1].text
        XCTAssertEqual(try read(text, path: "chat.jsonl", pieces: 3).fingerprint, String(fnv1a64(Array(text.utf8)), radix: 16))
    }
}
