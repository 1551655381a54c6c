import Foundation
import XCTest

/// `--shared-prefix-tokens`, `--prefix-groups` and `--no-prefix-reuse`, as a user runs them: on the
/// simulator, whose engine caches shared prefixes as vLLM does, and over HTTP against `crest serve`.
final class WorkloadShapeCommandTests: WorkspaceTestCase {
    private func sweep(_ extra: [String], out: String) throws -> CrestBinary.Result {
        try CrestBinary.run(
            ["sweep", "--dataset", "en_1-500", "--max-tokens", "32", "--shared-prefix-tokens", "2000", "--budget", "ttft.p95<=1s", "--out", out] + extra,
            in: workspace)
    }

    private func recommendation(_ folder: String) throws -> (concurrency: Int, perMinute: Double) {
        let object = try JSONSerialization.jsonObject(with: Data(text("\(folder)/recommendation.json").utf8)) as! [String: Any]
        return (object["concurrency"] as! Int, object["transactions_per_minute"] as! Double)
    }

    private func cachedTokens(_ folder: String) throws -> [Int?] {
        try text("\(folder)/samples.jsonl").split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["cached_tokens"] as? Int
        }
    }

    /// Where prefill is the bottleneck (a 2,000-token system prompt before prompts of about 290
    /// tokens, 32-token answers, a TTFT budget), an engine that computes the system prompt once
    /// serves several times the load within the budget.
    func testASharedPrefixRaisesTheRecommendedConcurrencyWherePrefillIsTheBottleneck() throws {
        let shared = try sweep([], out: "shared")
        XCTAssertEqual(shared.status, 0, shared.standardError)
        let cold = try sweep(["--no-prefix-reuse"], out: "cold")
        XCTAssertEqual(cold.status, 0, cold.standardError)
        let warm = try recommendation("shared"), coldAnswer = try recommendation("cold")
        XCTAssertGreaterThan(Double(warm.concurrency), 1.5 * Double(coldAnswer.concurrency), "shared \(warm), cold \(coldAnswer)")
        XCTAssertGreaterThan(warm.perMinute, 3 * coldAnswer.perMinute, "shared \(warm), cold \(coldAnswer)")
        // The cache's work shows in every sample, the levels and the report; the cold run has none.
        let cached = try cachedTokens("shared")
        XCTAssertTrue(cached.allSatisfy { $0 != nil })
        XCTAssertGreaterThan(cached.filter { ($0 ?? 0) >= 2000 }.count, cached.count * 9 / 10)
        XCTAssertTrue(try cachedTokens("cold").allSatisfy { $0 == nil })
        let csv = try text("shared/levels.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let column = try XCTUnwrap(csv[0].firstIndex(of: "prefix_cache_hit_rate"))
        // Every level with a success has a rate (one whose requests all ran past the budget may have none).
        let rates = csv.dropFirst().compactMap { Double($0[column]) }
        XCTAssertGreaterThan(rates.count, 3)
        XCTAssertTrue(rates.allSatisfy { $0 > 0.8 }, "\(rates)")
        XCTAssertTrue(shared.standardError.contains("a shared system prompt of 2000 tokens"), shared.standardError)
        XCTAssertTrue(shared.standardError.contains(", prefix cache 8"), shared.standardError)
        XCTAssertTrue(try text("shared/report.md").contains("prefix cache hits"))
        XCTAssertTrue(try text("cold/report.md").contains("every request unique (no prefix reuse)"))
        let manifest = try JSONSerialization.jsonObject(with: Data(text("shared/run.json").utf8)) as! [String: Any]
        let workload = try XCTUnwrap((manifest["dataset"] as? [String: Any])?["workload"] as? [String: Any])
        XCTAssertEqual(workload["shared_prefix_tokens"] as? Int, 2000)
        XCTAssertEqual(workload["prefix_reuse"] as? Bool, true)
        // crest compare tells the two loads apart and says how far the answer moved.
        let compared = try CrestBinary.run(["compare", "shared", "cold", "--out", "compared"], in: workspace)
        XCTAssertEqual(compared.status, 0, compared.standardError)
        let moved = "en_1-500 [shared prefix 2000, unique requests] answers concurrency \(coldAnswer.concurrency) (×0."
        XCTAssertTrue(compared.standardOutput.contains("Sensitivity: sim-a100-80g: against en_1-500 [shared prefix 2000] (concurrency \(warm.concurrency)"), compared.standardOutput)
        XCTAssertTrue(compared.standardOutput.contains(moved), compared.standardOutput)
        let report = try text("compared/report.md")
        XCTAssertTrue(report.contains("## Sensitivity to the load"))
        XCTAssertTrue(report.contains("`en_1-500 [shared prefix 2000, unique requests]` answers concurrency \(coldAnswer.concurrency)"), report)
        // An earlier sweep of another workload is no prior for this one.
        let prior = try CrestBinary.run(["sweep", "--dataset", "en_1-500", "--max-tokens", "32", "--prior", "shared", "--out", "plain"], in: workspace)
        XCTAssertEqual(prior.status, 2, prior.standardError)
        XCTAssertTrue(prior.standardError.contains("a shared system prompt of 2000 tokens"), prior.standardError)
    }

    func testPrefixGroupsNeedASharedPrefix() throws {
        let result = try CrestBinary.run(["sweep", "--prefix-groups", "4"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("--prefix-groups needs --shared-prefix-tokens N"), result.standardError)
    }

    /// Over HTTP the endpoint says what its cache served (`prompt_tokens_details.cached_tokens`):
    /// `crest serve` caches a chat's system message, which the nonce of `--no-prefix-reuse` makes
    /// different for every request.
    func testOverHTTPTheEndpointsOwnCountIsRecordedAndTheNonceDefeatsTheCache() throws {
        let (server, url) = try CrestBinary.startServe([], in: workspace)
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        for (folder, extra) in [("warm", [String]()), ("cold", ["--no-prefix-reuse"])] {
            let result = try CrestBinary.run(
                ["sweep", "--url", url, "--model", "m", "--dataset", "en_1-500", "--max-tokens", "8", "--shared-prefix-tokens", "500",
                 "--levels", "2", "--requests-per-level", "32", "--budget", "e2e.p95<=30s", "--out", folder] + extra,
                in: workspace)
            XCTAssertEqual(result.status, 0, result.standardError)
        }
        let warm = try cachedTokens("warm").compactMap { $0 }
        XCTAssertGreaterThan(warm.filter { $0 >= 496 }.count, warm.count / 2, "\(warm)")
        // Its /metrics counters say the same as its usage, over the level.
        let step = try JSONSerialization.jsonObject(with: Data(text("warm/search.jsonl").split(separator: "\n")[0].utf8)) as! [String: Any]
        let metrics = try XCTUnwrap((step["run"] as? [String: Any])?["server_metrics"] as? [String: Any], "\(step)")
        XCTAssertGreaterThan(try XCTUnwrap(metrics["prefix_cache_hit_rate"] as? Double), 0.4)
        let cold = try cachedTokens("cold")
        XCTAssertFalse(cold.isEmpty)
        XCTAssertTrue(cold.allSatisfy { $0 == 0 }, "\(cold)")
    }
}
