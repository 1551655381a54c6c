import Foundation
import XCTest

/// `crest datasets tokenize` and `crest sweep --tokenize` against `crest serve`'s tokenizer.
final class TokenizeCommandTests: WorkspaceTestCase {
    func testTheCountsAreKeptBesideTheDatasetAndTheSweepUsesThem() throws {
        try FileManager.default.copyItem(
            at: CrestBinary.packageRoot.appendingPathComponent("datasets/sharegpt-sample.json"), to: workspace.appendingPathComponent("sample.json"))
        let (server, url) = try CrestBinary.startServe([], in: workspace)
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let counted = try CrestBinary.run(["datasets", "tokenize", "sample.json", "--url", url, "--model", "m"], in: workspace)
        XCTAssertEqual(counted.status, 0, counted.standardError)
        XCTAssertTrue(counted.standardOutput.contains("sample: 40 prompts counted by \(url)/tokenize model m:"), counted.standardOutput)
        XCTAssertTrue(counted.standardOutput.contains("kept in sample.json.tokens.json"), counted.standardOutput)
        let kept = try JSONSerialization.jsonObject(with: Data(text("sample.json.tokens.json").utf8)) as! [String: Any]
        XCTAssertEqual((kept["prompt_tokens"] as? [Int])?.count, 40)
        XCTAssertEqual(kept["tokenizer"] as? String, "\(url)/tokenize model m")

        let sweep = try CrestBinary.run(
            ["sweep", "--url", url, "--model", "m", "--dataset", "sample.json", "--tokenize", "--levels", "2", "--requests-per-level", "6",
             "--max-tokens", "4", "--budget", "e2e.p95<=10s", "--out", "counted"],
            in: workspace)
        XCTAssertEqual(sweep.status, 0, sweep.standardError)
        XCTAssertTrue(sweep.standardError.contains("prompt lengths: 40 prompts counted earlier by \(url)/tokenize model m"), sweep.standardError)
        XCTAssertTrue(sweep.standardError.contains("counted by the endpoint's tokenizer"), sweep.standardError)
        let manifest = try JSONSerialization.jsonObject(with: Data(text("counted/run.json").utf8)) as! [String: Any]
        XCTAssertEqual((manifest["dataset"] as? [String: Any])?["prompt_tokens_source"] as? String, "tokenizer")
        XCTAssertTrue(try text("counted/report.md").contains("counted by the endpoint's own tokenizer"))
    }

    func testTokenizeGoesWithALiveEndpoint() throws {
        let simulated = try CrestBinary.run(["sweep", "--tokenize"], in: workspace)
        XCTAssertEqual(simulated.status, 2)
        XCTAssertTrue(simulated.standardError.contains("--tokenize asks a live endpoint's tokenizer"), simulated.standardError)
        let noURL = try CrestBinary.run(["datasets", "tokenize", "en_1-500"], in: workspace)
        XCTAssertEqual(noURL.status, 2)
        XCTAssertTrue(noURL.standardError.contains("needs --url"), noURL.standardError)
        let down = try CrestBinary.run(["datasets", "tokenize", "en_1-500", "--url", "http://127.0.0.1:9", "--model", "m"], in: workspace)
        XCTAssertEqual(down.status, 1, down.standardError)
        XCTAssertTrue(down.standardError.contains("could not reach http://127.0.0.1:9/tokenize"), down.standardError)
    }
}
