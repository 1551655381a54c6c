import XCTest

@testable import Crest

/// The design effect of counts over blocks of requests: 1 for independent requests, the block's
/// size when a block's requests are all over the limit or all under, and what a test does with it.
final class DesignEffectTests: XCTestCase {
    private func blocks(_ count: Int, of size: Int, random: inout SeededRandom, event: (inout SeededRandom) -> Bool) -> [Int?] {
        (0..<count).map { _ in (0..<size).count { _ in event(&random) } }
    }

    func testIndependentRequestsHaveAnEffectNearOne() {
        var random = SeededRandom(seed: 3)
        let estimates = (0..<200).map { _ in
            DesignEffect.estimate(eventsPerBlock: blocks(75, of: 8, random: &random) { $0.nextUnit() < 0.05 }, blockSize: 8)
        }
        let mean = estimates.reduce(0, +) / Double(estimates.count)
        XCTAssertGreaterThanOrEqual(estimates.min()!, 1, "never below 1")
        XCTAssertLessThan(mean, 1.25, "floored noise around 1, not an effect")
    }

    func testBlocksThatAreAllOverOrAllUnderHaveTheirSizeAsTheEffect() {
        var random = SeededRandom(seed: 4)
        let allOrNone = (0..<400).map { _ -> Int? in random.nextUnit() < 0.1 ? 16 : 0 }
        XCTAssertEqual(DesignEffect.estimate(eventsPerBlock: allOrNone, blockSize: 16), 16, accuracy: 2.5)
    }

    func testNeighbouringBlocksThatMoveTogetherRaiseTheEffect() {
        // Pairs of blocks share their state: the variance of one block misses half the effect.
        var random = SeededRandom(seed: 5)
        var paired: [Int?] = []
        for _ in 0..<200 {
            let slow = random.nextUnit() < 0.1
            paired += [slow ? 8 : 0, slow ? 8 : 0]
        }
        let withNeighbours = DesignEffect.estimate(eventsPerBlock: paired, blockSize: 8)
        XCTAssertEqual(withNeighbours, 16, accuracy: 2.5, "the variance of a pair of blocks, as one block of 16 would show")
        XCTAssertEqual(DesignEffect.estimate(eventsPerBlock: paired.enumerated().map { $0.offset.isMultiple(of: 3) ? nil : $0.element }, blockSize: 8), 12, accuracy: 4, "only complete neighbours count")
    }

    func testTooFewBlocksOrNoEventsGiveOne() {
        XCTAssertEqual(DesignEffect.estimate(eventsPerBlock: [8, 0, 0], blockSize: 8), 1, "three blocks are too few")
        XCTAssertEqual(DesignEffect.estimate(eventsPerBlock: [0, 0, 0, 0, 0], blockSize: 8), 1)
        XCTAssertEqual(DesignEffect.estimate(eventsPerBlock: [8, nil, 0, nil, 0], blockSize: 8), 1, "incomplete blocks do not count")
    }

    // The tests read n correlated requests as n / deff independent ones, k / deff over the limit.
    func testTestsReadAnEffectiveSample() {
        XCTAssertEqual(exceedanceTest(exceedances: 0, of: 118, percentile: 0.95, alpha: 0.05, designEffect: 2), .met)
        XCTAssertEqual(exceedanceTest(exceedances: 0, of: 116, percentile: 0.95, alpha: 0.05, designEffect: 2), .undecided)
        XCTAssertEqual(errorRateTest(failures: 0, of: 598, ceiling: 0.01, alpha: 0.05, designEffect: 2), .met)
        XCTAssertEqual(errorRateTest(failures: 0, of: 596, ceiling: 0.01, alpha: 0.05, designEffect: 2), .undecided)
        for k in [0, 3, 10, 30] {
            XCTAssertEqual(
                exceedanceTest(exceedances: 2 * k, of: 800, percentile: 0.95, alpha: 0.05, designEffect: 2),
                exceedanceTest(exceedances: k, of: 400, percentile: 0.95, alpha: 0.05), "\(k)")
        }
        XCTAssertEqual(
            clopperPearsonUpper(successes: 6, trials: 300, alpha: 0.05, designEffect: 3), clopperPearsonUpper(successes: 2, trials: 100, alpha: 0.05),
            accuracy: 1e-12)
    }
}
