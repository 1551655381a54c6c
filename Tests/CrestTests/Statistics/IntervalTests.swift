import XCTest
@testable import Crest

final class IntervalTests: XCTestCase {
    // Clopper-Pearson, exact: 0/10 → [0, 1 − 0.025^(1/10)]; 5/10 → [0.1871, 0.8129].
    func testClopperPearsonKnownValues() {
        let none = clopperPearson(successes: 0, trials: 10, confidence: 0.95)
        XCTAssertEqual(none.value, 0)
        XCTAssertEqual(none.lower, 0)
        XCTAssertEqual(none.upper!, 1 - pow(0.025, 0.1), accuracy: 1e-9)
        let half = clopperPearson(successes: 5, trials: 10, confidence: 0.95)
        XCTAssertEqual(half.lower!, 0.187086, accuracy: 1e-6)
        XCTAssertEqual(half.upper!, 0.812914, accuracy: 1e-6)
        let all = clopperPearson(successes: 10, trials: 10, confidence: 0.95)
        XCTAssertEqual(all.upper, 1)
    }

    // Small samples use the i.i.d. t-interval: mean 3, s = 1.5811, t(0.975, 4) = 2.7764.
    func testMeanIntervalOfASmallSample() {
        let estimate = meanInterval([1, 2, 3, 4, 5], confidence: 0.95)!
        XCTAssertEqual(estimate.value, 3)
        XCTAssertEqual(estimate.upper! - 3, 2.776445 * 1.581139 / 5.0.squareRoot(), accuracy: 1e-5)
    }

    func testMeanIntervalEdgeCases() {
        XCTAssertNil(meanInterval([], confidence: 0.95))
        let single = meanInterval([4], confidence: 0.95)!
        XCTAssertEqual(single.value, 4)
        XCTAssertNil(single.lower)
        let constant = meanInterval(Array(repeating: 2.5, count: 100), confidence: 0.95)!
        XCTAssertEqual(constant.lower, 2.5)
        XCTAssertEqual(constant.upper, 2.5)
    }

    // Batch means widen the interval for correlated data: a slow random walk around 10 has a
    // far larger batch-means interval than the i.i.d. formula would give.
    func testBatchMeansWidenTheIntervalForCorrelatedData() {
        var random = SeededRandom(seed: 5)
        var level = 10.0
        var series: [Double] = []
        for _ in 0..<1000 {
            level += 0.05 * random.nextStandardNormal() - 0.01 * (level - 10)
            series.append(level + 0.1 * random.nextStandardNormal())
        }
        let batched = meanInterval(series, confidence: 0.95)!
        let mean = series.reduce(0, +) / 1000
        let sd = (series.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 999).squareRoot()
        let iidHalfWidth = 1.962 * sd / 1000.0.squareRoot()
        XCTAssertGreaterThan(batched.upper! - batched.value, 2 * iidHalfWidth)
    }
}
