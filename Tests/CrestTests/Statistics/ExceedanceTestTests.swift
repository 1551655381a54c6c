import XCTest
@testable import Crest

final class ExceedanceTestTests: XCTestCase {
    // The classic sample sizes: 0 of 59 certifies p95, 0 of 58 does not; 0 of 299 certifies p99.
    func testZeroExceedanceSampleSizes() {
        XCTAssertEqual(exceedanceTest(exceedances: 0, of: 59, percentile: 0.95, alpha: 0.05), .met)
        XCTAssertEqual(exceedanceTest(exceedances: 0, of: 58, percentile: 0.95, alpha: 0.05), .undecided)
        XCTAssertEqual(exceedanceTest(exceedances: 0, of: 299, percentile: 0.99, alpha: 0.05), .met)
        XCTAssertEqual(exceedanceTest(exceedances: 0, of: 298, percentile: 0.99, alpha: 0.05), .undecided)
    }

    // "Cheap when clearly violated": 4 of 20 over a p95 budget has tail probability 0.016.
    func testClearViolationsAreCheap() {
        XCTAssertEqual(exceedanceTest(exceedances: 4, of: 20, percentile: 0.95, alpha: 0.05), .broken)
        XCTAssertEqual(exceedanceTest(exceedances: 4, of: 20, percentile: 0.95, alpha: 0.01), .undecided)
        XCTAssertEqual(exceedanceTest(exceedances: 3, of: 20, percentile: 0.95, alpha: 0.05), .undecided)
    }

    // The test's error rate holds: with θ exactly at 1 − p, `met` happens at most α of the time.
    func testFalseCertificationRateIsAtMostAlpha() {
        var random = SeededRandom(seed: 12)
        var certified = 0
        let trials = 2000
        for _ in 0..<trials {
            let n = 400
            let k = (0..<n).reduce(0) { count, _ in count + (random.nextUnit() < 0.05 ? 1 : 0) }
            if exceedanceTest(exceedances: k, of: n, percentile: 0.95, alpha: 0.05) == .met { certified += 1 }
        }
        XCTAssertLessThanOrEqual(Double(certified) / Double(trials), 0.06)
    }

    func testErrorRateCeiling() {
        XCTAssertEqual(errorRateTest(failures: 0, of: 299, ceiling: 0.01, alpha: 0.05), .met)
        XCTAssertEqual(errorRateTest(failures: 0, of: 250, ceiling: 0.01, alpha: 0.05), .undecided)
        XCTAssertEqual(errorRateTest(failures: 10, of: 100, ceiling: 0.01, alpha: 0.05), .broken)
        XCTAssertEqual(errorRateTest(failures: 0, of: 10, ceiling: 0, alpha: 0.05), .undecided)
        XCTAssertEqual(errorRateTest(failures: 1, of: 10, ceiling: 0, alpha: 0.05), .broken)
    }

    func testMeanBudget() {
        let values = (0..<200).map { 1.0 + 0.1 * Double($0 % 7) / 6 }
        XCTAssertEqual(meanTest(values, limit: 1.2, alpha: 0.05), .met)
        XCTAssertEqual(meanTest(values, limit: 0.9, alpha: 0.05), .broken)
        XCTAssertEqual(meanTest(values, limit: 1.05, alpha: 0.05), .undecided)
        XCTAssertEqual(meanTest([1], limit: 2, alpha: 0.05), .undecided)
    }
}

final class SteadyStateTests: XCTestCase {
    func testFindsTheEndOfAWarmupTransient() {
        var random = SeededRandom(seed: 4)
        let transient = (0..<50).map { 5.0 - 4.0 * Double($0) / 50 + 0.05 * random.nextStandardNormal() }
        let steady = (0..<450).map { _ in 1.0 + 0.05 * random.nextStandardNormal() }
        let analysis = SteadyState(transient + steady)
        XCTAssertTrue(analysis.isSteady)
        XCTAssertGreaterThanOrEqual(analysis.truncation, 40)
        XCTAssertLessThanOrEqual(analysis.truncation, 70)
    }

    func testAStationarySeriesKeepsEverything() {
        var random = SeededRandom(seed: 5)
        let analysis = SteadyState((0..<500).map { _ in 2.0 + 0.1 * random.nextStandardNormal() })
        XCTAssertTrue(analysis.isSteady)
        XCTAssertLessThan(analysis.truncation, 100)
    }

    func testASeriesThatNeverSettlesIsFlagged() {
        let drifting = (0..<500).map { Double($0) * 0.01 }
        XCTAssertFalse(SteadyState(drifting).isSteady)
    }
}

final class LevelTestTests: XCTestCase {
    func testAlphaSpendingSumsToAlphaAndSavesMostForTheCap() throws {
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=1s")], maxErrorRate: 0.01)
        let test = LevelTest(budget: budget, mode: .confirmation, looks: LevelTest.doublingLooks(first: 50, cap: 800))
        XCTAssertEqual(test.looks, [50, 100, 200, 400, 800])
        let spent = test.looks.indices.map(test.alpha(atLook:))
        XCTAssertEqual(spent.reduce(0, +), 0.05, accuracy: 1e-12)
        XCTAssertLessThan(spent[0], 0.001)
        XCTAssertEqual(spent.last!, 0.05 * 0.75, accuracy: 1e-12)
    }

    func testConfirmationCapCoversTheTightestStatistic() throws {
        let p99 = Budget(latency: [try LatencyConstraint(parsing: "ttft.p99<=1s")], maxErrorRate: nil)
        XCTAssertGreaterThanOrEqual(LevelTest.confirmationCap(for: Level(concurrency: 8), budget: p99), 1490, "five times the 298 needed at zero exceedances")
        let errors = Budget(latency: [], maxErrorRate: 0.01)
        XCTAssertEqual(LevelTest.confirmationCap(for: Level(concurrency: 8), budget: errors), 800)
        XCTAssertEqual(LevelTest.confirmationCap(for: Level(concurrency: 400), budget: errors), 1600)
    }

    /// A p99.9999999 once ran a confirmation of 1,048,577 requests: every test has a cap.
    func testNoTestRunsPastTheLargestCap() throws {
        let finest = Budget(latency: [try LatencyConstraint(parsing: "e2e.p99.99<=20s")], maxErrorRate: 0.000_000_1)
        XCTAssertEqual(LevelTest.confirmationCap(for: Level(concurrency: 8), budget: finest), LevelTest.largestCap)
        let test = LevelTest.confirmation(finest, level: Level(concurrency: 8))
        XCTAssertEqual(test.looks.last, LevelTest.largestCap)
        XCTAssertLessThanOrEqual(LevelTest.confirmationCap(for: Level(concurrency: 1_000_000), budget: finest), LevelTest.largestCap)
    }
}
