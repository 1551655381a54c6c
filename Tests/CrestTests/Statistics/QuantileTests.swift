import XCTest
@testable import Crest

final class QuantileTests: XCTestCase {
    private let values: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

    // NumPy: np.percentile(range(1, 11), [50, 90, 95, 99]) = 5.5, 9.1, 9.55, 9.91.
    func testLinearMatchesNumPy() {
        XCTAssertEqual(quantile(0.50, ofSorted: values, method: .linear)!, 5.5, accuracy: 1e-12)
        XCTAssertEqual(quantile(0.90, ofSorted: values, method: .linear)!, 9.1, accuracy: 1e-12)
        XCTAssertEqual(quantile(0.95, ofSorted: values, method: .linear)!, 9.55, accuracy: 1e-12)
        XCTAssertEqual(quantile(0.99, ofSorted: values, method: .linear)!, 9.91, accuracy: 1e-12)
        XCTAssertEqual(quantile(0, ofSorted: values, method: .linear), 1)
        XCTAssertEqual(quantile(1, ofSorted: values, method: .linear), 10)
    }

    func testNearestRankIsAnObservation() {
        XCTAssertEqual(quantile(0.50, ofSorted: values, method: .nearestRank), 5)
        XCTAssertEqual(quantile(0.95, ofSorted: values, method: .nearestRank), 10)
        XCTAssertEqual(quantile(0.10, ofSorted: values, method: .nearestRank), 1)
    }

    // Failed requests count as +∞: a quantile that reaches them is ∞, never NaN.
    func testInfiniteValuesGiveInfiniteQuantilesNotNaN() {
        let withFailures = values + [.infinity]
        XCTAssertEqual(quantile(0.5, ofSorted: withFailures, method: .linear), 6)
        XCTAssertEqual(quantile(0.99, ofSorted: withFailures, method: .linear), .infinity)
        XCTAssertEqual(quantile(0.9, ofSorted: withFailures, method: .linear)!, 10, accuracy: 1e-12)
    }

    func testEmptyDataHasNoQuantile() {
        XCTAssertNil(quantile(0.5, ofSorted: [], method: .linear))
    }

    // The classic table: for n = 10 the 95% interval of the median is [X(2), X(9)] (coverage 97.9%).
    func testMedianIntervalForTenObservations() {
        let bounds = quantileInterval(0.5, ofSorted: values, confidence: 0.95)
        XCTAssertEqual(bounds.lower, 2)
        XCTAssertEqual(bounds.upper, 9)
    }

    // An upper bound for p99 needs enough data: P(all n below q99) = 0.99^n must drop under 2.5%.
    func testHighPercentilesOfSmallSamplesHaveNoUpperBound() {
        let small = (1...100).map(Double.init)
        XCTAssertNil(quantileInterval(0.99, ofSorted: small, confidence: 0.95).upper)
        let large = (1...1000).map(Double.init)
        let bounds = quantileInterval(0.99, ofSorted: large, confidence: 0.95)
        XCTAssertNotNil(bounds.upper)
        XCTAssertLessThan(bounds.lower!, 990)
        XCTAssertGreaterThan(bounds.upper!, 990)
    }

    // The interval really covers: over many seeded samples from U(0, 1), the p90 interval holds
    // the true 0.9 at least 95% of the time.
    func testIntervalCoverageOnUniformSamples() {
        var random = SeededRandom(seed: 3)
        var covered = 0
        let trials = 400
        for _ in 0..<trials {
            let sample = (0..<200).map { _ in random.nextUnit() }.sorted()
            let bounds = quantileInterval(0.9, ofSorted: sample, confidence: 0.95)
            if let lower = bounds.lower, let upper = bounds.upper, lower <= 0.9, 0.9 <= upper { covered += 1 }
        }
        XCTAssertGreaterThanOrEqual(Double(covered) / Double(trials), 0.93)
    }

    // Above 20,000 observations the normal approximation takes over; it must agree with the exact ranks.
    func testLargeSampleApproximationAgreesWithExactRanks() {
        let exactSized = (1...20_000).map(Double.init)
        let approximated = (1...20_001).map(Double.init)
        let exact = quantileInterval(0.95, ofSorted: exactSized, confidence: 0.95)
        let approximate = quantileInterval(0.95, ofSorted: approximated, confidence: 0.95)
        XCTAssertEqual(exact.lower!, approximate.lower!, accuracy: 2)
        XCTAssertEqual(exact.upper!, approximate.upper!, accuracy: 2)
    }

    func testPercentileNames() {
        XCTAssertEqual(Percentile(95).description, "p95")
        XCTAssertEqual(Percentile(99.9).description, "p99.9")
    }

    // The two-sided 95% interval of a p99 has an upper bound from 368 requests on (0.99^n ≤ 2.5%),
    // not 299 (the one-sided figure the README once gave).
    func testAP99UpperBoundNeedsAtLeast368Requests() {
        XCTAssertNil(quantileInterval(0.99, ofSorted: (1...367).map(Double.init), confidence: 0.95).upper)
        XCTAssertEqual(quantileInterval(0.99, ofSorted: (1...368).map(Double.init), confidence: 0.95).upper, 368)
    }
}
