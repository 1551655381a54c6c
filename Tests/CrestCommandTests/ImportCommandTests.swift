import Foundation
import XCTest

/// `crest datasets import` as a user runs it.
final class ImportCommandTests: WorkspaceTestCase {
    func testAShareGPTFileIsBinnedAndEachBinIsADatasetOfItsOwn() throws {
        let result = try CrestBinary.run(
            ["datasets", "import", "datasets/sharegpt-sample.json", "--out", "mine.jsonl", "--bins", "1-20,20-40,40-200", "--per-bin", "10"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("sharegpt, 40 prompts, 2 conversations without a user turn skipped"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("mine_20-40.jsonl: 10 prompts of "), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("no prompt in the bin 40-200"), result.standardOutput)
        let sweep = try CrestBinary.run(["sweep", "--dataset", "mine_20-40.jsonl", "--out", "swept"], in: workspace)
        XCTAssertEqual(sweep.status, 0, sweep.standardError)
        XCTAssertTrue(sweep.standardError.contains("dataset mine_20-40 (10 prompts"), sweep.standardError)
        XCTAssertTrue(sweep.standardError.contains("10 ask for answers as long as the dataset's"), sweep.standardError)

        let again = try CrestBinary.run(["datasets", "import", "datasets/sharegpt-sample.json", "--out", "mine.jsonl", "--bins", "1-20"], in: workspace)
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.standardError.contains("mine_1-20.jsonl exists"), again.standardError)
    }

    func testMistakesExitWith2AndWriteNothing() throws {
        try Data("[\n{\"conversations\": 5}\n]".utf8).write(to: workspace.appendingPathComponent("broken.json"))
        let broken = try CrestBinary.run(["datasets", "import", "broken.json", "--out", "x.jsonl"], in: workspace)
        XCTAssertEqual(broken.status, 2, broken.standardError)
        XCTAssertTrue(broken.standardError.contains("broken.json:2: field 'conversations'"), broken.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("x.jsonl").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("x.jsonl.partial").path))
        let noOut = try CrestBinary.run(["datasets", "import", "broken.json"], in: workspace)
        XCTAssertEqual(noOut.status, 2)
        XCTAssertTrue(noOut.standardError.contains("needs --out"), noOut.standardError)
    }
}
