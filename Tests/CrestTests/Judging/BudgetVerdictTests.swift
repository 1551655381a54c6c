import XCTest
@testable import Crest
import CrestTestSupport

final class BudgetVerdictTests: XCTestCase {
    private func verdict(_ budget: Budget, _ run: LevelRun) -> Verdict {
        budget.verdict(for: run, summary: LevelSummary(run, confidence: 0.95), confidence: 0.95)
    }

    // 100 requests at 1 s, 3 failures: the success-only p95 is 1 s, but failures count as over
    // budget, so p97 and above are infinite.
    func testFailuresCountAsOverBudgetForPercentiles() throws {
        let latencies: [Double?] = Array(repeating: 1.0, count: 97) + [nil, nil, nil]
        let run = LevelRunFixtures.run(concurrency: 2, latencies: latencies)
        let p95 = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=2s")], maxErrorRate: nil)
        let p99 = Budget(latency: [try LatencyConstraint(parsing: "e2e.p99<=2s")], maxErrorRate: nil)
        XCTAssertTrue(verdict(p95, run).isFeasible)
        XCTAssertFalse(verdict(p99, run).isFeasible)
        XCTAssertEqual(verdict(p99, run).checks[0].observed.value, .infinity)
    }

    func testMeansAreOverSuccessesAndTheErrorCeilingCatchesFailures() throws {
        let latencies: [Double?] = Array(repeating: 1.0, count: 95) + Array(repeating: nil, count: 5)
        let run = LevelRunFixtures.run(concurrency: 2, latencies: latencies)
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.mean<=1.5s")], maxErrorRate: 0.01)
        let result = verdict(budget, run)
        XCTAssertEqual(result.checks[0].observed.value, 1.0, accuracy: 1e-9)
        XCTAssertTrue(result.checks[0].isMet)
        XCTAssertFalse(result.checks[1].isMet)
        XCTAssertEqual(result.violations.map(\.constraint), [.errorRate(max: 0.01)])
        XCTAssertEqual(result.tightest?.constraint, .errorRate(max: 0.01))
        XCTAssertEqual(result.label, "infeasible")
    }

    func testTTFTAndTPOTConstraints() throws {
        // TTFT is 10% of each latency (fixture), TPOT = 0.9·latency / 100.
        let run = LevelRunFixtures.run(concurrency: 2, latencies: Array(repeating: 2.0, count: 100))
        let budget = Budget(
            latency: [try LatencyConstraint(parsing: "ttft.p99<=250ms"), try LatencyConstraint(parsing: "tpot.p95<=17ms")],
            maxErrorRate: nil)
        let result = verdict(budget, run)
        XCTAssertEqual(result.checks[0].observed.value, 0.2, accuracy: 1e-6)
        XCTAssertTrue(result.checks[0].isMet)
        XCTAssertEqual(result.checks[1].observed.value, 0.018, accuracy: 1e-6)
        XCTAssertFalse(result.checks[1].isMet)
        XCTAssertEqual(result.checks[0].headroom, 0.2, accuracy: 1e-4)
    }

    /// 100 requests of 10 gaps of 10 ms, and in every tenth request one stall of 200 ms: 1% of the
    /// gaps; a failed request counts as one gap of +∞.
    func testITLIsOverPooledGapsWithFailuresOverBudget() throws {
        let samples = (0..<100).map { index -> Sample in
            let gaps: [Int64] = Array(repeating: 10_000_000, count: 9) + [index % 10 == 0 ? 200_000_000 : 10_000_000]
            return Sample(level: 2, client: index % 2, seq: index / 2, promptIndex: 0, sentAt: Int64(index) * 1_000_000_000,
                          firstTokenAt: Int64(index) * 1_000_000_000 + 100_000_000, finishedAt: Int64(index) * 1_000_000_000 + 300_000_000,
                          promptTokens: 10, completionTokens: 11, tokensSource: .server, outcome: index == 99 ? .http5xx : .ok,
                          phase: .measured, interTokenGaps: gaps)
        }
        let run = LevelRun(level: Level(concurrency: 2), samples: samples, startedAt: 0, windowStart: 0, windowEnd: 100_000_000_000, endedAt: 100_000_000_000)
        let budget = Budget(
            latency: ["itl.p95<=50ms", "itl.p99<=50ms", "itl.mean<=40ms", "itl.p50<=9ms"].map { try! LatencyConstraint(parsing: $0) },
            maxErrorRate: nil)
        let result = verdict(budget, run)
        XCTAssertEqual(result.checks[0].observed.value, 0.010, accuracy: 1e-9, "p95 of the gaps is 10 ms")
        XCTAssertTrue(result.checks[0].isMet)
        XCTAssertFalse(result.checks[1].isMet, "10 stalls and one failure make 1.1% of 991 gaps over 50 ms")
        // 99 successful requests: 980 gaps of 10 ms and 10 of 200 ms.
        XCTAssertEqual(result.checks[2].observed.value, (980 * 0.010 + 10 * 0.200) / 990, accuracy: 1e-12)
        XCTAssertTrue(result.checks[2].isMet)
        XCTAssertFalse(result.checks[3].isMet)
        XCTAssertTrue(budget.needsInterTokenGaps)
        let summary = LevelSummary(run, confidence: 0.95)
        XCTAssertEqual(summary.itl?.count, 990, "successful requests' gaps only")
        XCTAssertEqual(summary.itl?.p50.value ?? 0, 0.010, accuracy: 1e-9)
    }
}

final class ConstraintCheckTests: XCTestCase {
    func testSummariesForPeople() throws {
        let p95 = try LatencyConstraint(parsing: "e2e.p95<=20s")
        XCTAssertEqual(ConstraintCheck(constraint: .latency(p95), observed: Estimate(value: 21.6), limit: 20).summary, "e2e.p95 = 21.6 s (limit 20 s)")
        XCTAssertEqual(
            ConstraintCheck(constraint: .latency(p95), observed: Estimate(value: .infinity), limit: 20).summary,
            "e2e.p95 over budget (limit 20 s): more than 5% of requests failed or were still running past the limit when the level was decided, and both count as over budget")
        let mean = try LatencyConstraint(parsing: "ttft.mean<=800ms")
        XCTAssertEqual(
            ConstraintCheck(constraint: .latency(mean), observed: Estimate(value: .infinity), limit: 0.8).summary,
            "ttft.mean unmeasured (limit 800 ms): no request succeeded")
        XCTAssertEqual(ConstraintCheck(constraint: .errorRate(max: 0.01), observed: Estimate(value: 0.285), limit: 0.01).summary, "errors = 28.5% (limit 1%)")
    }
}
