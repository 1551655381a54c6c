import Foundation
import XCTest
@testable import Crest
import CrestTestSupport

/// The adaptive controller on scripted curves with known answers (../research/algorithms.md §2.4).
final class AdaptiveSearchTests: XCTestCase {
    private func budget(_ expression: String, errors: Double? = 0.01) throws -> Budget {
        Budget(latency: [try LatencyConstraint(parsing: expression)], maxErrorRate: errors)
    }

    private func search(
        _ measurer: CurveMeasurer, budget: Budget, limits: SearchLimits = SearchLimits(maxConcurrency: 1024)
    ) async throws -> SearchOutcome {
        let session = SearchSession(measurer: measurer, budget: budget, limits: limits)
        let outcome = try await AdaptiveSearch().search(session)
        if ProcessInfo.processInfo.environment["CREST_TRACE"] != nil {
            for step in outcome.steps {
                print("TRACE \(step.step) N=\(step.concurrency) \(step.phase) \(step.test) → \(step.verdict) [\(step.observedText)] tpm=\(Int(step.transactionsPerMinute)) n=\(step.measuredRequests) cum=\(step.cumulativeRequests) bracket=\(step.feasibleBelow.map(String.init) ?? "-")..\(step.infeasibleAbove.map(String.init) ?? "-") :: \(step.reason)")
            }
            print("TRACE answer \(outcome.recommendation?.concurrency ?? -1) \(outcome.stopReason) \(outcome.recommendation?.explanation ?? "")")
        }
        return outcome
    }

    /// Continuous batching: latency 2 s + 0.05 s per client up to 32 clients, then a queue.
    private static func batching(_ n: Int) -> Double {
        let n = Double(n)
        return n <= 32 ? 2 + 0.05 * n : n * (2 + 0.05 * 32) / 32
    }

    /// The p95 of a log-normal with σ = 0.3 is e^(1.645·0.3) = 1.638 times its median.
    private let p95Factor = exp(1.645 * 0.3)

    // Budget-bound: median latency 1 + 0.2N, p95 = 1.638 × median. With the limit at 8.35 s the
    // highest feasible level is 20 (p95 8.19 s, 1.9% under; 21 is 2% over). Certifying a level
    // that close to its limit takes thousands of requests, so a certified answer lands a few
    // levels below: it must be truly feasible and close.
    func testFindsAHighLevelWithinABindingBudget() async throws {
        let measurer = CurveMeasurer { 1 + 0.2 * Double($0) }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=8.35s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertTrue(answer.isFeasible)
        XCTAssertLessThanOrEqual(answer.concurrency, 20, "never above the highest feasible level")
        XCTAssertGreaterThanOrEqual(answer.concurrency, 16)
        // The answer rests on a full confirmation: certified, or likely when the design effect
        // estimated from its own blocks of requests reads these independent requests as correlated
        // (a 1-in-50 draw of the estimator on this seed: 1.99 from 45 blocks, and 24 of 800 over a
        // p95 then fall short of the last look's certificate).
        XCTAssertTrue([.certified, .likely].contains(answer.level.verdict.decision?.certainty))
        XCTAssertEqual(outcome.stopReason, .converged)
        // The level above was only over by a short confirmation's point estimate (20 is truly
        // feasible here): the answer does not say it breaks the budget.
        XCTAssertTrue(answer.explanation.contains("is over it by its point estimate, within its own noise of the limit"), answer.explanation)
        XCTAssertFalse(answer.explanation.contains("breaks it"), answer.explanation)
    }

    // Plateau: a loose budget; throughput flat past 32. The knee, not the budget, decides.
    func testOnAPlateauRecommendsTheKnee() async throws {
        let measurer = CurveMeasurer(medianLatency: Self.batching)
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=300s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertTrue(answer.isFeasible)
        // Below the cap X = N/(2 + 0.05N); 98% of X(32) is reached at N = 31. Throughput is flat above
        // 32, so any level from 31 to a little above keeps it within 2%; the cap is estimated from
        // screening-sized samples, so allow a few levels either side.
        XCTAssertGreaterThanOrEqual(answer.concurrency, 27)
        XCTAssertLessThanOrEqual(answer.concurrency, 40)
        guard case .plateau = answer.limit else { return XCTFail("a plateau limits the answer, not the budget: \(String(describing: answer.limit))") }
        XCTAssertTrue(outcome.steps.contains { $0.concurrency == answer.concurrency && $0.phase == .confirm }, "the answer is confirmed, not taken from a screening")
        XCTAssertLessThan(outcome.levels.map(\.concurrency).max()!, 1024, "the ramp stops at the plateau")
    }

    // A CPU engine with four slots, as llama.cpp's llama-server on two cores: batching gains
    // little below the cap, and past it each client adds 1.05 s of queueing, so throughput is flat
    // from 4 and the budget (mean at most 12 s) allows up to 11. The fitted knee wanders along
    // such a plateau with every level measured; two levels measured at the same rate need no
    // probe between them. On this seed the search measured 4 and 8 at rates 0.4% apart and, before
    // that rule, probed 6 and 7 between them (593 requests against 459 now).
    func testAFlatPlateauIsNotProbedBetweenLevelsThatMeasuredTheSameRate() async throws {
        let measurer = CurveMeasurer(sigma: 0.15, seed: 12) { n in n <= 4 ? 0.6 + 0.9 * Double(n) : 1.05 * Double(n) }
        let outcome = try await search(measurer, budget: try budget("e2e.mean<=12s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertTrue(answer.isFeasible)
        XCTAssertTrue((4...11).contains(answer.concurrency), "answer \(answer.concurrency) is off the plateau")
        for (index, step) in outcome.steps.enumerated() where step.phase == .knee {
            let before = outcome.steps[..<index].map(\.concurrency)
            let onThePlateauBelow = before.contains { (4..<step.concurrency).contains($0) }
            let onThePlateauAbove = before.contains { $0 > step.concurrency && $0 <= 11 }
            XCTAssertFalse(onThePlateauBelow && onThePlateauAbove, "knee probe \(step.concurrency) between plateau levels \(before)")
        }
    }

    // A wide plateau (a batch cap of 256 clients) far inside a loose budget: screenings of a few
    // hundred requests at the knee see no request over the limit and certify it. The answer is
    // confirmed all the same: a certified or likely answer rests on a confirmation of its own (a
    // knee screening once answered alone, on the search benchmark's profile 12).
    func testAnAnswerAScreeningCertifiedIsConfirmed() async throws {
        let measurer = CurveMeasurer { n in n <= 256 ? 4 + 0.004 * Double(n) : Double(n) * (4 + 0.004 * 256) / 256 }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=60s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertTrue(answer.isFeasible)
        XCTAssertTrue(
            outcome.steps.contains { $0.concurrency == answer.concurrency && $0.phase == .confirm },
            "answer \(answer.concurrency) rests on a screening: \(outcome.steps.map { "\($0.concurrency) \($0.phase) \($0.verdict)" })")
    }

    // A tail that short screenings do not see: above 5 clients, 1.3% of requests take 30 s, over
    // the 1% a p99 allows by a margin each confirmation leaves borderline. Steps sized by the
    // statistic's noise would walk down a level or two at a time and run out of confirmations
    // far above 5; after three borderline confirmations in a row the search bisects instead.
    func testRepeatedBorderlineConfirmationsBisectDown() async throws {
        let measurer = CurveMeasurer(tail: { $0 > 5 ? (0.013, 30) : (0, 0) }) { 1 + 0.02 * Double($0) }
        let outcome = try await search(measurer, budget: try budget("e2e.p99<=10s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertTrue(answer.isFeasible)
        XCTAssertLessThanOrEqual(answer.concurrency, 5, "the tail above 5 breaks the budget")
        XCTAssertTrue(outcome.steps.contains { $0.concurrency == answer.concurrency && $0.phase == .confirm }, "the answer is confirmed")
    }

    // The answer is always a confirmed level. Latency here hardly varies between requests (σ = 2%),
    // so a screening just under the limit shows its p95 met with no request over it, while its
    // point estimate, within a tenth of the limit, leaves it borderline; the failure-free requests
    // of every level measured would certify the error ceiling. The answer's statistics and the
    // per-level table's verdict still come from a confirmation.
    func testTheAnswerIsConfirmedEvenWhenItsScreeningAndThePooledErrorsWould() async throws {
        let measurer = CurveMeasurer(sigma: 0.02) { 1 + 0.01 * Double($0) }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=1.6s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertTrue(outcome.steps.contains { $0.concurrency == answer.concurrency && $0.phase == .confirm }, "the answer is confirmed")
        XCTAssertEqual(answer.level.verdict.decision?.certainty, .certified)
    }

    // Up to 10 clients 4.3% of requests take 30 s, inside the 5% a p95 allows by a margin one
    // full confirmation cannot show even at its looser "likely" bound; above 10, 8% do. Whether a
    // search certifies a level here is a matter of chance for any seed (before the design effect,
    // eight seeds answered 10, 2, 6, 1, 2, 7, 9 and 2); what must hold is that its answer is within
    // the budget and rests on a confirmation, not a borderline one.
    func testABorderlineTailIsAnsweredWithinTheBudgetFromAConfirmation() async throws {
        let measurer = CurveMeasurer(tail: { $0 > 10 ? (0.08, 30) : (0.043, 30) }) { _ in 1 }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=10s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertLessThanOrEqual(answer.concurrency, 10)
        XCTAssertTrue(answer.explanation.contains("(likely") || answer.explanation.contains("(certified"), answer.explanation)
        XCTAssertEqual(outcome.steps.last { $0.concurrency == answer.concurrency }?.phase, .confirm)
    }

    // Decline (USL-like): throughput peaks near 24 then falls; the answer is near the peak.
    func testOnADecliningCurveStopsNearThePeak() async throws {
        let measurer = CurveMeasurer { n in
            let n = Double(n)
            let throughput = 2 * n / (1 + 0.02 * (n - 1) + 0.0016 * n * (n - 1))
            return n / throughput
        }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=120s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        // Peak at √((1 − σ)/κ) ≈ 24.7; within 2% of it from about N = 17.
        XCTAssertGreaterThanOrEqual(answer.concurrency, 14)
        XCTAssertLessThanOrEqual(answer.concurrency, 28)
    }

    // A cliff: fine up to 40 clients, five times slower beyond (a KV cache or memory limit).
    func testStopsJustBelowACliff() async throws {
        let measurer = CurveMeasurer { n in n <= 40 ? 1 + 0.01 * Double(n) : 5 * (1 + 0.01 * Double(n)) }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=3s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertEqual(answer.concurrency, 40, accuracy: 1)
        XCTAssertTrue(answer.isFeasible)
        // The level past the cliff was decided early, from requests still running past the limit:
        // the answer gives the counts its test rested on, not point estimates of the few finished.
        XCTAssertTrue(answer.explanation.contains("breaks it: its test counted "), answer.explanation)
        XCTAssertTrue(answer.explanation.contains("judged requests over the limit of e2e.p95<=3s, which allows 5%"), answer.explanation)
    }

    // A non-monotone pair: one level (16, on the ramp's path) is anomalously slow while 17 and up
    // are fine. The lowest infeasible level is kept as the ceiling, so the answer stays below it.
    func testANonMonotonePairKeepsTheLowerInfeasibleLevel() async throws {
        let measurer = CurveMeasurer { n in n == 16 ? 10 : 1 + 0.02 * Double(n) }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=4s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertTrue(answer.isFeasible)
        XCTAssertLessThan(answer.concurrency, 16)
        XCTAssertGreaterThanOrEqual(answer.concurrency, 14)
    }

    func testAllInfeasibleEndsQuicklyWithNoRecommendation() async throws {
        let measurer = CurveMeasurer { _ in 20 }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=5s"))
        XCTAssertEqual(outcome.stopReason, .noFeasibleLevel)
        XCTAssertEqual(outcome.recommendation?.isFeasible, false)
        XCTAssertEqual(Set(outcome.levels.map(\.concurrency)), [1])
        XCTAssertLessThan(outcome.totals.requests, 200, "a clearly infeasible level is decided in a few dozen requests")
    }

    func testAllFeasibleUpToTheCap() async throws {
        let measurer = CurveMeasurer { n in 1 + 0.001 * Double(n) }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=10s"), limits: SearchLimits(maxConcurrency: 64))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertEqual(answer.concurrency, 64, accuracy: 2)
        XCTAssertEqual(outcome.stopReason, .feasibleUpToLimit)
        XCTAssertEqual(answer.limit, .rangeEnd)
    }

    // A 429 cap at 30 in flight: beyond it, the excess requests are refused. Errors, not latency, bind.
    func testA429CapBindsThroughTheErrorCeiling() async throws {
        let measurer = CurveMeasurer(failsAs429: true, failureProbability: { n in n <= 30 ? 0 : Double(n - 30) / Double(n) }) { _ in 1 }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=10s"))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertEqual(answer.concurrency, 30, accuracy: 1)
        XCTAssertLessThanOrEqual(answer.concurrency, 30, "never above the cap")
    }

    func testRespectsATotalRequestBudget() async throws {
        let measurer = CurveMeasurer(medianLatency: Self.batching)
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=6s"), limits: SearchLimits(maxRequests: 150))
        XCTAssertEqual(outcome.stopReason, .budgetExhausted)
        XCTAssertLessThan(outcome.totals.requests, 150 + 2 * 64)
        XCTAssertTrue(outcome.recommendation?.explanation.contains("ran out") ?? true)
    }

    // A budget that ends the ramp below the plateau: the answer is confirmed, and it says that the
    // levels above it were never measured, not that throughput levelled off there.
    func testARampCutShortByTheTotalBudgetSaysSo() async throws {
        let measurer = CurveMeasurer(medianLatency: Self.batching)
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=300s"), limits: SearchLimits(maxRequests: 700))
        let answer = try XCTUnwrap(outcome.recommendation)
        XCTAssertLessThan(answer.concurrency, 31, "below the plateau")
        XCTAssertEqual(answer.limit, .rangeEnd)
        XCTAssertTrue(answer.explanation.contains("ended the ramp"), answer.explanation)
        XCTAssertFalse(answer.explanation.contains("plateau"), answer.explanation)
    }

    func testEveryStepIsLogged() async throws {
        let measurer = CurveMeasurer(medianLatency: Self.batching)
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=6s"))
        XCTAssertEqual(outcome.steps.map(\.step), Array(1...outcome.steps.count))
        XCTAssertEqual(outcome.steps.first?.phase, .calibrate)
        // The answer rests on a confirmation that certified it or, at its cap, found it likely
        // feasible, though later bracket steps may follow it.
        let answer = try XCTUnwrap(outcome.recommendation?.concurrency)
        XCTAssertTrue(outcome.steps.contains {
            $0.phase == .confirm && $0.concurrency == answer && $0.verdict.isFeasible && [.test(.certified), .test(.likely)].contains($0.verdict.basis)
        })
        XCTAssertEqual(outcome.steps.last?.cumulativeRequests, outcome.totals.requests)
        XCTAssertTrue(outcome.steps.allSatisfy { !$0.reason.isEmpty })
    }
}

extension AdaptiveSearchTests {
    // Regression: 10% random failures make every p95 infinite (failures count as over budget) while
    // screening, which judges a 15% error ceiling only by its test, still passes levels; the ramp's
    // arithmetic on an infinite ratio trapped. (At 6% failures, 1.2 times what a p95 allows, a
    // screening's few hundred requests cannot tell the level from a feasible one.)
    func testInfinitePercentilesFromFailuresDoNotBreakTheRamp() async throws {
        let measurer = CurveMeasurer(failureProbability: { _ in 0.10 }) { _ in 1 }
        let outcome = try await search(measurer, budget: try budget("e2e.p95<=10s", errors: 0.15))
        XCTAssertEqual(outcome.recommendation?.isFeasible, false, "a p95 that failures push to infinity is over any limit")
    }
}
