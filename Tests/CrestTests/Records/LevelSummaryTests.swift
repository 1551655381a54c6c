import XCTest
@testable import Crest
import CrestTestSupport

final class LevelSummaryTests: XCTestCase {
    func testThroughputErrorsAndPercentilesComeFromAllMeasuredRequests() throws {
        // 100 requests one every 0.5 s: 10 s window... latencies 1..100 ms·20, 4 of them failed.
        var latencies: [Double?] = (1...100).map { Double($0) * 0.02 }
        for index in [10, 20, 30, 40] { latencies[index] = nil }
        let run = LevelRunFixtures.run(concurrency: 4, latencies: latencies, spacing: 0.5)
        let summary = LevelSummary(run, confidence: 0.95)
        XCTAssertEqual(summary.requests, 100)
        XCTAssertEqual(summary.errors, 4)
        XCTAssertEqual(summary.outcomes.http5xx, 4)
        XCTAssertEqual(summary.errorRate.value, 0.04, accuracy: 1e-12)
        XCTAssertEqual(summary.durationSeconds, 50, accuracy: 1e-9)
        XCTAssertEqual(summary.transactionsPerMinute.value, 96.0 / 50 * 60, accuracy: 1e-9, "successes over the window")
        XCTAssertEqual(summary.requestsPerSecond, 2, accuracy: 1e-9)
        let successes = latencies.compactMap { $0 }.sorted()
        XCTAssertEqual(summary.latency!.count, 96)
        XCTAssertEqual(summary.latency!.p95.value, quantile(0.95, ofSorted: successes, method: .linear)!, accuracy: 1e-9)
        XCTAssertEqual(summary.latency!.mean.value, successes.reduce(0, +) / 96, accuracy: 1e-9)
        XCTAssertEqual(summary.ttft!.p50.value, 0.1 * quantile(0.5, ofSorted: successes, method: .linear)!, accuracy: 1e-6)
        XCTAssertEqual(summary.completionTokenCountMean, 101)
        XCTAssertEqual(summary.completionTokenThroughput, 96.0 * 101 / 50, accuracy: 1e-9)
        XCTAssertFalse(summary.tokensEstimated, "failed requests' estimates do not mark the level")
    }

    // FMBench averages per-wave rates; Crest divides successes by the window. For requests of 2.03 s
    // at N = 1 that is 29.6 per minute, not FMBench's 33.
    func testThroughputIsSuccessesOverTheWindowNotAMeanOfRates() {
        let run = LevelRunFixtures.run(concurrency: 1, latencies: Array(repeating: 2.03, count: 50), spacing: 2.03)
        XCTAssertEqual(LevelSummary(run, confidence: 0.95).transactionsPerMinute.value, 60 / 2.03, accuracy: 1e-6)
    }

    func testAchievedConcurrencyAndLittlesLaw() {
        // One request every 0.1 s, each lasting 0.4 s: four in flight on average.
        let run = LevelRunFixtures.run(concurrency: 4, latencies: Array(repeating: 0.4, count: 200), spacing: 0.1)
        let summary = LevelSummary(run, confidence: 0.95)
        XCTAssertEqual(summary.littleLawConcurrency, 4, accuracy: 1e-9)
        XCTAssertEqual(summary.achievedConcurrency, 4, accuracy: 0.05, "edge effects at the window's start")
    }

    // Issue 13, finding 6: a screening decided at the window's middle abandoned its requests from
    // then on, so its measured ones are those sent before; they arrived over that half, and Little's
    // law reads four in flight, not two.
    func testLittlesLawOfALevelCutShortCountsTheSpanItsRequestsArrivedIn() {
        let whole = LevelRunFixtures.run(concurrency: 4, latencies: Array(repeating: 0.4, count: 200), spacing: 0.1)
        let cut = LevelRun(
            level: whole.level, samples: whole.samples.filter { $0.sentAt < whole.windowStart + 10_000_000_000 }, startedAt: whole.startedAt,
            windowStart: whole.windowStart, windowEnd: whole.windowEnd, endedAt: whole.endedAt, abandoned: 3,
            completeBefore: whole.windowStart + 10_000_000_000, inFlightMean: 4)
        let summary = LevelSummary(cut, confidence: 0.95)
        XCTAssertEqual(summary.requests, 100)
        XCTAssertEqual(summary.littleLawConcurrency, 4, accuracy: 1e-9)
    }

    func testAPhaseCountAndEmptyLevels() {
        let run = LevelRun(level: Level(concurrency: 2), samples: [], startedAt: 0, windowStart: 0, windowEnd: 1_000_000_000, endedAt: 1_000_000_000)
        let summary = LevelSummary(run, confidence: 0.95)
        XCTAssertEqual(summary.requests, 0)
        XCTAssertNil(summary.latency)
        XCTAssertEqual(summary.transactionsPerMinute.value, 0)
    }
}
