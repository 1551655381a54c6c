import Foundation
import XCTest

/// A reasoning model on the simulator, budgeted on the time to its first answer token: its first
/// token comes in milliseconds while its answer waits for seconds of thinking, so a TTFT budget
/// would size the endpoint for load its users would not accept.
final class ReasoningCommandTests: WorkspaceTestCase {
    func testATTFABudgetSizesAReasoningModelByItsAnswersNotItsThinking() throws {
        let result = try CrestBinary.run(
            ["sweep", "--target", "sim:a100-r1-distill-llama-8b", "--dataset", "sharegpt-sample", "--max-tokens", "4096",
             "--budget", "ttfa.p95<=30s", "--out", "thinking"],
            in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("ttfa p95"), result.standardOutput)
        XCTAssertTrue(try text("thinking/report.md").contains("TTFA p95"))
        var reasoned = 0
        for line in try text("thinking/samples.jsonl").split(separator: "\n") {
            let sample = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard sample["outcome"] as? String == "ok", let thinking = sample["reasoning_tokens"] as? Int else { continue }
            reasoned += 1
            XCTAssertGreaterThan(thinking, 0)
            if let answer = sample["first_answer_ns"] as? Int { XCTAssertGreaterThan(answer, sample["first_token_ns"] as! Int) }
        }
        XCTAssertGreaterThan(reasoned, 1000)
        // At the answer, the first token is under a second and the first answer token near the limit.
        let recommendation = try JSONSerialization.jsonObject(with: Data(text("thinking/recommendation.json").utf8)) as! [String: Any]
        let chosen = recommendation["concurrency"] as! Int
        let csv = try text("thinking/levels.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let row = try XCTUnwrap(csv.first { $0[0] == "\(chosen)" })
        func value(_ column: String) throws -> Double { try XCTUnwrap(Double(row[XCTUnwrap(csv[0].firstIndex(of: column))])) }
        XCTAssertLessThan(try value("ttft_p95"), 1)
        XCTAssertGreaterThan(try value("ttfa_p95"), 10)
        XCTAssertLessThanOrEqual(try value("ttfa_p95"), 30)
        XCTAssertGreaterThan(try value("reasoning_tokens_mean"), 300)
        // The same levels judged on TTFT would recommend more clients than the answers allow.
        let byFirstToken = try CrestBinary.run(["recommend", "thinking", "--budget", "ttft.p95<=30s"], in: workspace)
        let concurrency = try XCTUnwrap(byFirstToken.standardOutput.range(of: #"[Cc]oncurrency (\d+)"#, options: .regularExpression))
        let answered = Int(byFirstToken.standardOutput[concurrency].split(separator: " ")[1])!
        XCTAssertGreaterThan(answered, chosen, byFirstToken.standardOutput)
        // Where it suggests a sweep above the stored levels, the sweep sends the same load.
        if byFirstToken.standardOutput.contains("A sweep above it would") {
            XCTAssertTrue(byFirstToken.standardOutput.contains("--dataset sharegpt-sample --max-tokens 4096"), byFirstToken.standardOutput)
        }
    }

    func testTheBudgetNamesTTFAAmongItsMetrics() throws {
        let result = try CrestBinary.run(["sweep", "--budget", "ttfx.p95<=1s"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("known: e2e, ttft, tpot, itl, ttfa"), result.standardError)
    }
}
