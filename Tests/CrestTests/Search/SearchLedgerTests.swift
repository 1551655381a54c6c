import XCTest

@testable import Crest
import CrestTestSupport

/// The adaptive search's bookkeeping: which result stands for a level, the bracket, and how a
/// level stands as the answer.
final class SearchLedgerTests: XCTestCase {
    private let budget = Budget(latency: [LatencyConstraint(metric: .e2e, statistic: .percentile(Percentile(95)), limitSeconds: 1)], maxErrorRate: 0.01)

    /// A level result at `concurrency` whose test decided so on `requests` requests, `failures`
    /// of them failed; the error ceiling's outcome is `errors`, the latency's `latency`.
    private func result(
        _ concurrency: Int, feasible: Bool, _ certainty: Certainty, requests: Int = 64, failures: Int = 0,
        latency: TestOutcome? = nil, errors: TestOutcome? = nil, transactionsPerMinute: Double = 60
    ) -> LevelResult {
        let latencies: [Double?] = (0..<requests).map { $0 < failures ? nil : 0.5 }
        let run = LevelRunFixtures.run(concurrency: concurrency, latencies: latencies, spacing: 60 / transactionsPerMinute)
        let summary = LevelSummary(run, confidence: 0.95)
        let decided: TestOutcome = certainty == .certified ? (feasible ? .met : .broken) : .undecided
        let decision = LevelDecision(
            isFeasible: feasible, certainty: certainty, look: 1, requests: requests,
            constraints: [
                ConstraintDecision(constraint: .latency(budget.latency[0]), outcome: latency ?? decided, over: failures, judged: requests),
                ConstraintDecision(constraint: .errorRate(max: 0.01), outcome: errors ?? decided, over: failures, judged: requests),
            ])
        return LevelResult(summary: summary, verdict: Verdict(checks: budget.verdict(for: run, summary: summary, confidence: 0.95).checks, decision: decision))
    }

    private var cap: Int { LevelTest.confirmationCap(for: Level(concurrency: 8), budget: budget) }

    func testAScreeningDisplacesACertifiedResultOnlyWhenItFindsTheLevelInfeasible() {
        var ledger = SearchLedger(budget: budget, confirmationAlpha: 0.05)
        ledger.record(result(8, feasible: true, .certified), mode: .confirmation)
        XCTAssertEqual(ledger.confirmed, [8])
        ledger.record(result(8, feasible: true, .likely, requests: 32), mode: .screening)
        XCTAssertEqual(ledger.known[8]?.verdict.decision?.certainty, .certified, "a passing screening does not replace a certificate")
        XCTAssertEqual(ledger.confirmed, [8])
        ledger.record(result(8, feasible: false, .likely, requests: 32), mode: .screening)
        XCTAssertEqual(ledger.known[8]?.verdict.isFeasible, false, "a failing one does")
        XCTAssertEqual(ledger.confirmed, [])
        XCTAssertEqual(ledger.measured.count, 3, "every result counts for the pooled failures")
    }

    // The failures other levels lend an error ceiling count every request that finished, warm-up
    // and cool-down too: a failure is one whenever it happened, and a real endpoint's slow level
    // spends a third of its requests outside the measured window (288 measured of 411 sent before
    // a llama.cpp confirmation, too few to settle a 1% ceiling; 411 are enough).
    func testTheErrorEvidenceCountsEveryFinishedRequest() {
        var ledger = SearchLedger(budget: budget, confirmationAlpha: 0.05)
        let level = result(8, feasible: true, .likely, requests: 64, failures: 2)
        ledger.record(level, mode: .screening)
        XCTAssertEqual(level.summary.errors, 2)
        XCTAssertEqual(level.summary.finishedFailures, 4, "the cool-down repeats the first two requests' failures")
        let evidence = ledger.errorEvidence(for: 8)
        XCTAssertEqual(evidence.failures, 4)
        XCTAssertEqual(evidence.requests, level.summary.finishedRequests)
        XCTAssertGreaterThan(evidence.requests, 64)
    }

    func testTheBracketIsTheHighestFeasibleLevelUnderTheLowestInfeasibleOrRejectedOne() {
        var ledger = SearchLedger(budget: budget, confirmationAlpha: 0.05)
        XCTAssertNil(ledger.floor)
        XCTAssertNil(ledger.ceiling)
        for level in [1, 4, 16] { ledger.record(result(level, feasible: true, .likely, requests: 32), mode: .screening) }
        ledger.record(result(32, feasible: false, .certified, requests: 32), mode: .screening)
        ledger.record(result(64, feasible: true, .likely, requests: 32), mode: .screening)
        XCTAssertEqual(ledger.ceiling, 32)
        XCTAssertEqual(ledger.floor, 16, "a feasible level above the ceiling is not the floor")
        ledger.reject(16)
        XCTAssertEqual(ledger.ceiling, 16, "a level that failed confirmation caps the bracket")
        XCTAssertEqual(ledger.floor, 4)
    }

    func testOnlyAFullConfirmationsLikelyVerdictCanBeTheAnswer() {
        var ledger = SearchLedger(budget: budget, confirmationAlpha: 0.05)
        let screened = result(8, feasible: true, .likely, requests: 32)
        ledger.record(screened, mode: .screening)
        XCTAssertNil(ledger.judge(screened), "a screening's likely is not an answer")
        let short = result(8, feasible: true, .likely, requests: cap / 2)
        ledger.record(short, mode: .confirmation)
        XCTAssertNil(ledger.judge(short), "nor a confirmation the total budget cut short")
        let full = result(8, feasible: true, .likely, requests: cap)
        ledger.record(full, mode: .confirmation)
        XCTAssertEqual(ledger.judge(full), .likely)
        XCTAssertEqual(ledger.judge(result(8, feasible: false, .certified)), .refuted)
        XCTAssertEqual(ledger.judge(result(8, feasible: true, .borderline)), .borderline(feasibleByPoint: true))
    }

    // A certificate from a screening is not an answer until the level's own confirmation: the
    // screening stopped at its verdict, and its count is pooled into the confirmation. A
    // certificate of infeasibility stands either way.
    func testAScreeningsCertificateIsAnAnswerOnlyOnceConfirmed() {
        var ledger = SearchLedger(budget: budget, confirmationAlpha: 0.05)
        let screened = result(8, feasible: true, .certified, requests: 448)
        ledger.record(screened, mode: .screening)
        XCTAssertNil(ledger.judge(screened))
        XCTAssertNil(ledger.bestAccepted())
        XCTAssertEqual(ledger.judge(result(16, feasible: false, .certified, requests: 32)), .refuted)
        let confirmed = result(8, feasible: true, .certified, requests: 512)
        ledger.record(confirmed, mode: .confirmation)
        XCTAssertEqual(ledger.judge(confirmed), .certified)
        XCTAssertEqual(ledger.bestAccepted(), 8)
    }

    // A confirmation that met the latency limit but left the error ceiling open (one failure in
    // 64) is certified by the failures pooled over the levels measured: 3,000 clean requests at a
    // higher load, whose failure rate can only overstate this level's.
    func testAnErrorCeilingLeftOpenIsJudgedOnThePooledFailures() {
        var ledger = SearchLedger(budget: budget, confirmationAlpha: 0.05)
        let open = result(8, feasible: true, .borderline, requests: 64, failures: 1, latency: .met, errors: .undecided)
        ledger.record(open, mode: .confirmation)
        XCTAssertTrue(ledger.onlyErrorsUndecided(open))
        XCTAssertEqual(ledger.judge(open), .borderline(feasibleByPoint: true), "one failure in 64 cannot show a 1% ceiling met")
        let above = result(12, feasible: true, .likely, requests: 3000)
        ledger.record(above, mode: .screening)
        // Every finished request counts, warm-up and cool-down too (the fixture's cool-down repeats the failure).
        XCTAssertEqual(
            ledger.errorEvidence(for: 8),
            FailureEvidence(failures: 2, requests: open.summary.finishedRequests + above.summary.finishedRequests))
        XCTAssertEqual(ledger.judge(open), .certified)
    }

    func testTheBestAnswerIsCertifiedBeforeLikelyThenByThroughput() {
        var ledger = SearchLedger(budget: budget, confirmationAlpha: 0.05)
        XCTAssertNil(ledger.bestAccepted())
        ledger.record(result(8, feasible: true, .likely, requests: cap, transactionsPerMinute: 300), mode: .confirmation)
        XCTAssertEqual(ledger.bestAccepted(), 8)
        ledger.record(result(4, feasible: true, .certified, transactionsPerMinute: 100), mode: .confirmation)
        ledger.record(result(6, feasible: true, .certified, transactionsPerMinute: 200), mode: .confirmation)
        XCTAssertEqual(ledger.bestAccepted(), 6, "a certified level wins over a faster likely one")
        XCTAssertEqual(ledger.accepted, [4, 6, 8])
    }

    func testTheBracketStallsWhenTwoProbesInARowShrinkItByLessThanHalf() {
        var ledger = SearchLedger(budget: budget, confirmationAlpha: 0.05)
        ledger.recordBracketProbe(widthBefore: 2.0, raisedFloor: true)
        ledger.recordBracketProbe(widthBefore: 1.5, raisedFloor: true)
        XCTAssertFalse(ledger.isStalled, "two probes are too few to tell")
        ledger.recordBracketProbe(widthBefore: 1.2, raisedFloor: false)
        XCTAssertTrue(ledger.isStalled)
        XCTAssertFalse(ledger.lastProbeRaisedFloor)
        ledger.recordBracketProbe(widthBefore: 0.5, raisedFloor: true)
        XCTAssertFalse(ledger.isStalled, "a probe that halved the bracket unstalls it")
    }
}
