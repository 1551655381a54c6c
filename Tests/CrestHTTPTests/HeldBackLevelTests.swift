import Crest
import CrestTestSupport
import XCTest
@testable import CrestHTTP

/// A level whose clients wait out long Retry-After pauses is not a measurement of its concurrency.
/// Regression test: behind a quota of one request, with Retry-After far past the 30 s cap,
/// concurrency 2 ran at 0.999 requests in flight, under a 1% error ceiling, and was recommended.
final class HeldBackLevelTests: XCTestCase {
    func testALevelWhoseClientsWaitIsHeldBackAndInfeasible() async throws {
        let server = try FaultyServer(.quota(concurrent: 1, retryAfter: "3600"))
        defer { server.stop() }
        let dataset = Dataset.scripted(prompts: 1)
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", metricsPath: nil)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        // An error ceiling loose enough that the one 429 does not break it: only the shortfall can.
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=5s")], maxErrorRate: 0.2)
        func judged(_ concurrency: Int) async throws -> (LevelRun, Verdict) {
            let run = try await measurer.measure(Level(concurrency: concurrency), until: .requests(30))
            return (run, budget.verdict(for: run, summary: LevelSummary(run, confidence: 0.95), confidence: 0.95))
        }
        let (one, alone) = try await judged(1)
        XCTAssertTrue(alone.isFeasible, "one client meets the quota: \(alone.breaches)")
        XCTAssertEqual(try XCTUnwrap(one.inFlightMean), 1, accuracy: 0.05)
        let (two, crowded) = try await judged(2)
        XCTAssertTrue(two.samples.contains { $0.outcome == .http429 }, "the second client met the quota")
        XCTAssertLessThan(try XCTUnwrap(two.inFlightMean), 1.2, "the paused client held nothing in flight")
        XCTAssertFalse(crowded.isFeasible)
        XCTAssertEqual(crowded.labelWithCertainty, "infeasible (held back)")
        XCTAssertTrue(crowded.breaches.first?.contains("not a measurement of concurrency 2") == true, "\(crowded.breaches)")
        let choice = LevelSelection(plateauTolerance: 0.02).recommend(from: [
            LevelResult(summary: LevelSummary(one, confidence: 0.95), verdict: alone),
            LevelResult(summary: LevelSummary(two, confidence: 0.95), verdict: crowded),
        ])
        XCTAssertEqual(choice?.concurrency, 1)
        XCTAssertTrue(choice?.explanation.contains("Concurrency 2 does not count") == true, choice?.explanation ?? "")
    }
}
