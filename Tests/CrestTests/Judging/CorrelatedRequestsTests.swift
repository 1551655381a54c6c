import CrestTestSupport
import XCTest

@testable import Crest

/// Level tests on correlated requests: on a batching engine, requests sent close together share
/// batches, stalls and queue states, so they are over a limit together. A test that counts them as
/// independent draws certifies a level at its limit far more often than its stated error rate.
final class CorrelatedRequestsTests: XCTestCase {
    /// Confirmations of a p95 budget whose limit is exactly the true p95, over `seeds` seeds: the
    /// share that certify the level feasible. At the edge, a 5% test may certify at most 5% of them.
    private func certifiedShareAtTheLimit(spells: SlowSpells?, seeds: Int, concurrency: Int = 8) async throws -> Double {
        var certified = 0
        for seed in 1...seeds {
            let measurer = CurveMeasurer(seed: UInt64(seed), spells: spells) { _ in 1 }
            let limit = measurer.trueQuantile(0.95, at: concurrency)
            let budget = Budget(latency: [LatencyConstraint(metric: .e2e, statistic: .percentile(Percentile(95)), limitSeconds: limit)], maxErrorRate: nil)
            let level = Level(concurrency: concurrency)
            let run = try await measurer.measure(level, until: .sequential(.confirmation(budget, level: level)))
            let decision = try XCTUnwrap(run.decision)
            if decision.isFeasible && decision.certainty == .certified { certified += 1 }
        }
        return Double(certified) / Double(seeds)
    }

    // Issue 13, finding 2: with slow spells of about four requests over a tenth of them (a design
    // effect of about 3 on the count over the limit), a confirmation that took the requests for
    // independent draws certified a p95 at its limit 20% of the time (79 of 400 seeds); with the
    // design effect, 4.75% (19). Independent requests certify it 1.5% of the time (a discrete test
    // spends less than α).
    func testAConfirmationAtTheLimitCertifiesAtMostItsErrorRateWhenRequestsAreCorrelated() async throws {
        let correlated = try await certifiedShareAtTheLimit(spells: SlowSpells(share: 0.1, meanLength: 4, factor: 2.5), seeds: 400)
        XCTAssertLessThanOrEqual(correlated, 0.05)
        let independent = try await certifiedShareAtTheLimit(spells: nil, seeds: 400)
        XCTAssertLessThanOrEqual(independent, 0.05)
    }
}
