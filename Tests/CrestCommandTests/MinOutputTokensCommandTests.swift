import CrestTestSupport
import Foundation
import XCTest

/// `--min-output-tokens`: every request asks its answer to run to its cap, and the run says
/// whether the endpoint did.
final class MinOutputTokensCommandTests: WorkspaceTestCase {
    private func samples(_ folder: String) throws -> [[String: Any]] {
        try text("\(folder)/samples.jsonl").split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// The simulator honours min_tokens and ignore_eos as vLLM does: every answer is as long as
    /// the ShareGPT reply it stands for; without the flag the model ends its answers where it will.
    func testTheSimulatorHonoursItAndTheRunSaysSo() throws {
        let asked = try CrestBinary.run(["sweep", "--dataset", "sharegpt-sample", "--min-output-tokens", "--out", "asked"], in: workspace)
        XCTAssertEqual(asked.status, 0, asked.standardError)
        let answers = try samples("asked").filter { $0["outcome"] as? String == "ok" }
        XCTAssertGreaterThan(answers.count, 1000)
        for answer in answers { XCTAssertEqual(answer["completion_tokens"] as? Int, answer["asked_tokens"] as? Int) }
        XCTAssertTrue(asked.standardOutput.contains("(100%) reached the length their request asked for (min_tokens, ignore_eos): the endpoint honoured it."), asked.standardOutput)
        XCTAssertTrue(asked.standardError.contains("answers asked to run to their cap (min_tokens, ignore_eos)"), asked.standardError)
        XCTAssertTrue(asked.standardError.contains("100% at asked length"), asked.standardError)
        XCTAssertFalse(asked.standardError.contains("sent as the lines give them"), "the flag's fields are not the lines'")
        let manifest = try JSONSerialization.jsonObject(with: Data(text("asked/run.json").utf8)) as! [String: Any]
        XCTAssertEqual(((manifest["dataset"] as? [String: Any])?["workload"] as? [String: Any])?["min_output_tokens"] as? Bool, true)

        let free = try CrestBinary.run(["sweep", "--dataset", "sharegpt-sample", "--out", "free"], in: workspace)
        XCTAssertEqual(free.status, 0, free.standardError)
        let freeAnswers = try samples("free").filter { $0["outcome"] as? String == "ok" }
        XCTAssertTrue(freeAnswers.allSatisfy { $0["asked_tokens"] == nil })
        XCTAssertFalse(free.standardOutput.contains("Answer lengths"))
    }

    /// An endpoint that ignores the fields answers at its own length: the run says so.
    func testAnEndpointThatIgnoresItIsCalledOut() throws {
        let server = try FaultyServer(.quota(concurrent: 100, retryAfter: "1", tokens: 4, tokenGap: 0.001))
        defer { server.stop() }
        let result = try CrestBinary.run(
            ["sweep", "--url", server.url, "--model", "m", "--dataset", "sharegpt-sample", "--min-output-tokens", "--levels", "2",
             "--requests-per-level", "12", "--budget", "e2e.p95<=10s", "--out", "ignored"],
            in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(server.requests.last!.body)) as? [String: Any])
        XCTAssertEqual(body["min_tokens"] as? Int, body["max_tokens"] as? Int)
        XCTAssertEqual(body["ignore_eos"] as? Bool, true)
        XCTAssertTrue(result.standardOutput.contains("Answer lengths: only 0 of "), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("the endpoint does not honour them"), result.standardOutput)
        XCTAssertTrue(try text("ignored/report.md").contains("the endpoint does not honour them"))
    }

    func testAnAPIWithoutTheFieldsRefusesTheFlag() throws {
        let result = try CrestBinary.run(
            ["sweep", "--url", "http://127.0.0.1:9", "--api", "tgi", "--model", "m", "--min-output-tokens"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("--min-output-tokens: --api tgi has no min_tokens or ignore_eos"), result.standardError)
    }
}
