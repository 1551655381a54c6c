import Foundation
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

    // Issue 13, finding 3: at a screening's size, ten batches of a fifth of a cycle each put
    // requests that ran together in different batches. Latencies that drift over about a cycle
    // (an AR(1) series, φ = 0.9, at 32 clients: 128 requests are four cycles) had a 95% interval
    // that covered the true mean 82% of the time; batches of a cycle, 92% (four batches, t with 3
    // degrees of freedom, still a little correlated at lag 1).
    func testBatchesOfACycleCoverTheMeanOfLatenciesCorrelatedOverACycle() {
        var random = SeededRandom(seed: 8)
        var covered = (fifths: 0, cycles: 0)
        let trials = 2000
        for _ in 0..<trials {
            var state = random.nextStandardNormal()
            let series = (0..<128).map { _ -> Double in
                state = 0.9 * state + (1 - 0.81).squareRoot() * random.nextStandardNormal()
                return 10 + state
            }
            let fifths = meanInterval(series, confidence: 0.95)!
            let cycles = meanInterval(series, confidence: 0.95, valuesPerBatch: 32)!
            if fifths.lower! <= 10 && 10 <= fifths.upper! { covered.fifths += 1 }
            if cycles.lower! <= 10 && 10 <= cycles.upper! { covered.cycles += 1 }
        }
        XCTAssertLessThan(Double(covered.fifths) / Double(trials), 0.85)
        XCTAssertGreaterThanOrEqual(Double(covered.cycles) / Double(trials), 0.9)
    }

    // Batch means still correlated are merged in pairs: with eight or more batches whose lag-1
    // autocorrelation is high, the interval widens over the one of the raw batches.
    func testCorrelatedBatchMeansMergeInPairs() {
        // A slow sine with a little noise: ten batches of 30 values follow it closely.
        var random = SeededRandom(seed: 9)
        let series = (0..<300).map { 10 + sin(Double($0) / 60) + 0.01 * random.nextStandardNormal() }
        let merged = meanInterval(series, confidence: 0.95)!
        let groups = (0..<10).map { batch in series[(batch * 30)..<(batch * 30 + 30)].reduce(0, +) / 30 }
        XCTAssertGreaterThan(lagOneAutocorrelation(groups), 0.5)
        let groupMean = groups.reduce(0, +) / 10
        let rawHalfWidth = 2.262 * (groups.reduce(0) { $0 + ($1 - groupMean) * ($1 - groupMean) } / 9 / 10).squareRoot()
        XCTAssertGreaterThan(merged.upper! - merged.value, 1.5 * rawHalfWidth)
    }
}
