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
}
