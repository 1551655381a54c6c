import Foundation
import XCTest

/// A dataset with a prompt longer than the model's context, swept on the simulator and over HTTP
/// against `crest serve`: that prompt's requests are `context_exceeded` at every level, the run goes
/// on, and the console and the report name the prompt.
final class ContextExceededCommandTests: WorkspaceTestCase {
    /// Five prompts; the third (index 2) is about 11,700 tokens by Crest's estimate, past the
    /// simulated model's 8,192.
    private func writeDataset() throws {
        let short = ["Name three rivers of Europe.", "What is a prime number?", "Describe a cat in one line.", "Why is the sky blue?"]
        var lines = short.map { #"{"prompt": "\#($0)", "output_tokens": 8}"# }
        lines.insert(#"{"prompt": "\#(String(repeating: "word ", count: 9000))", "output_tokens": 8}"#, at: 2)
        try (lines.joined(separator: "\n") + "\n").write(to: workspace.appendingPathComponent("long.jsonl"), atomically: true, encoding: .utf8)
    }

    private func check(_ result: CrestBinary.Result, folder: String, file: StaticString = #filePath, line: UInt = #line) throws {
        // One prompt in five fails at every level, past the 1% error ceiling: no level is feasible.
        XCTAssertEqual(result.status, 3, result.standardError, file: file, line: line)
        var pastContext = 0
        for sampleLine in try text("\(folder)/samples.jsonl").split(separator: "\n") {
            let sample = try JSONSerialization.jsonObject(with: Data(sampleLine.utf8)) as! [String: Any]
            let isLong = sample["prompt_index"] as? Int == 2
            XCTAssertEqual(sample["fault"] as? String, isLong ? "context_exceeded" : nil, "\(sample)", file: file, line: line)
            XCTAssertEqual(sample["outcome"] as? String, isLong ? "http_4xx" : "ok", "\(sample)", file: file, line: line)
            if isLong { pastContext += 1 }
        }
        XCTAssertGreaterThan(pastContext, 0, "the long prompt was sent", file: file, line: line)
        let csv = try text("\(folder)/levels.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let column = try XCTUnwrap(csv[0].firstIndex(of: "errors_context_exceeded"), file: file, line: line)
        XCTAssertGreaterThan(csv.dropFirst().map { Int($0[column])! }.reduce(0, +), 0, file: file, line: line)
        let said = "Prompts too long: 1 prompt of the dataset (#2) was refused as longer than the endpoint's context"
        XCTAssertTrue(result.standardOutput.contains(said), result.standardOutput, file: file, line: line)
        XCTAssertTrue(try text("\(folder)/report.md").contains(said), file: file, line: line)
    }

    func testThePromptTooLongIsCountedAndNamedOnTheSimulator() throws {
        try writeDataset()
        let result = try CrestBinary.run(
            ["sweep", "--dataset", "long.jsonl", "--levels", "1,2", "--requests-per-level", "20", "--budget", "e2e.p95<=30s", "--out", "sim"],
            in: workspace)
        try check(result, folder: "sim")
    }

    func testThePromptTooLongIsCountedAndNamedOverHTTP() throws {
        try writeDataset()
        let (server, url) = try CrestBinary.startServe([], in: workspace)
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let result = try CrestBinary.run(
            ["sweep", "--url", url, "--model", "m", "--dataset", "long.jsonl", "--levels", "1,2", "--requests-per-level", "20",
             "--budget", "e2e.p95<=30s", "--out", "live"],
            in: workspace)
        try check(result, folder: "live")
    }
}
