import Foundation
import XCTest

final class DatasetsCommandTests: XCTestCase {
    // The shipped bins are exactly what the documented command writes.
    func testGenerateReproducesTheShippedBins() throws {
        let workspace = try CrestBinary.workspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let result = try CrestBinary.run(["datasets", "generate", "--out", "generated"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let shipped = CrestBinary.packageRoot.appendingPathComponent("datasets")
        for name in ["en_1-500", "en_500-1000", "en_1000-2000", "en_2000-3000", "en_3000-4000"] {
            let generated = try Data(contentsOf: workspace.appendingPathComponent("generated/\(name).jsonl"))
            XCTAssertEqual(generated, try Data(contentsOf: shipped.appendingPathComponent("\(name).jsonl")), name)
        }
    }

    func testInspectDescribesADatasetAndRejectsABadOne() throws {
        let workspace = try CrestBinary.workspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let good = try CrestBinary.run(["datasets", "inspect", "en_1-500"], in: workspace)
        XCTAssertEqual(good.status, 0, good.standardError)
        XCTAssertTrue(good.standardOutput.contains("fmbench-payload, 120 prompts"), good.standardOutput)
        try Data("{\"messages\": [{\"role\": \"user\"}]}\n".utf8).write(to: workspace.appendingPathComponent("chat.jsonl"))
        let bad = try CrestBinary.run(["datasets", "inspect", "chat.jsonl"], in: workspace)
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.standardError, "crest datasets: chat.jsonl:1: missing field 'messages[0].content': expected the message text\n")
    }

    // A ShareGPT file: inspect says how long the answers are and what was skipped; `list` shows
    // the shipped sample (and not the other JSON files beside it); a sweep's first line says its
    // requests ask for answers as long as the dataset's; a broken conversation is named by line.
    func testAShareGPTFileIsDescribedListedSweptAndRejectedByLine() throws {
        let workspace = try CrestBinary.workspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let inspected = try CrestBinary.run(["datasets", "inspect", "sharegpt-sample"], in: workspace)
        XCTAssertEqual(inspected.status, 0, inspected.standardError)
        XCTAssertTrue(inspected.standardOutput.contains("sharegpt, 40 prompts"), inspected.standardOutput)
        XCTAssertTrue(inspected.standardOutput.contains("40 with the length of their answer (median "), inspected.standardOutput)
        XCTAssertTrue(inspected.standardOutput.contains("2 conversations without a user turn skipped"), inspected.standardOutput)
        let listed = try CrestBinary.run(["datasets", "list", CrestBinary.packageRoot.appendingPathComponent("datasets").path], in: workspace)
        XCTAssertEqual(listed.status, 0, listed.standardError)
        XCTAssertTrue(listed.standardOutput.contains("sharegpt-sample.json: sharegpt"), listed.standardOutput)
        XCTAssertFalse(listed.standardOutput.contains("pricing.json"), listed.standardOutput)
        let swept = try CrestBinary.run(["sweep", "--dataset", "sharegpt-sample", "--max-requests", "400", "--out", "chats"], in: workspace)
        XCTAssertEqual(swept.status, 0, swept.standardError)
        XCTAssertTrue(swept.standardError.hasPrefix("crest sweep: sim:a100-llama3-8b, dataset sharegpt-sample (40 prompts, ~"), swept.standardError)
        XCTAssertTrue(swept.standardError.contains("; 40 ask for answers as long as the dataset's (median "), swept.standardError)
        try Data("[\n  {\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}]},\n  {\"conversations\": [{\"from\": \"human\"}]}\n]\n".utf8)
            .write(to: workspace.appendingPathComponent("chats.json"))
        let bad = try CrestBinary.run(["datasets", "inspect", "chats.json"], in: workspace)
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.standardError, "crest datasets: chats.json:3: missing field 'conversations[0].value': expected the turn's text\n")
    }

    // A line's temperature changes the workload: inspect and the sweep's first line say it is
    // sent, and name the fields that are not.
    func testFieldsOfTheLinesAreSaidSentOrNot() throws {
        let workspace = try CrestBinary.workspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        try Data("{\"messages\": [{\"role\": \"user\", \"content\": \"Hello there\"}], \"temperature\": 0, \"model\": \"gpt-x\"}\n".utf8)
            .write(to: workspace.appendingPathComponent("chat.jsonl"))
        let inspected = try CrestBinary.run(["datasets", "inspect", "chat.jsonl"], in: workspace)
        XCTAssertEqual(inspected.status, 0, inspected.standardError)
        XCTAssertTrue(inspected.standardOutput.contains(", sent as the lines give them: temperature (1 line), not sent: model (1 line)"), inspected.standardOutput)
        let swept = try CrestBinary.run(["sweep", "--dataset", "chat.jsonl", "--levels", "1", "--requests-per-level", "20", "--out", "run"], in: workspace)
        XCTAssertEqual(swept.status, 0, swept.standardError)
        XCTAssertTrue(swept.standardError.contains("; sent as the lines give them: temperature (1 line); not sent: model (1 line)), budget"), swept.standardError)
    }
}
