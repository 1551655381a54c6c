import Crest
import XCTest

@testable import crest

/// The progress of a running level, as a person reads it.
final class ProgressLineTests: XCTestCase {
    func testALineSaysTheLookTheTimeAndTheStatisticAgainstItsLimit() {
        let measuring = LevelProgress(
            concurrency: 8, elapsedSeconds: 65.4, isMeasuring: true, finished: 123, needed: 256,
            estimate: .init(constraint: .latency(LatencyConstraint(metric: .e2e, statistic: .percentile(Percentile(95)), limitSeconds: 12)), value: 7.523))
        XCTAssertEqual(Progress.describe(measuring), "  … concurrency 8: 123/256 measured, 65 s, e2e.p95 7.523s against 12s")
        let errors = LevelProgress(
            concurrency: 2, elapsedSeconds: 3, isMeasuring: true, finished: 40, needed: nil,
            estimate: .init(constraint: .errorRate(max: 0.01), value: 0.025))
        XCTAssertEqual(Progress.describe(errors), "  … concurrency 2: 40 measured, 3 s, errors 2.5% against 1%")
        let warming = LevelProgress(concurrency: 4, elapsedSeconds: 2, isMeasuring: false, finished: 0, needed: 32, estimate: nil)
        XCTAssertEqual(Progress.describe(warming), "  … concurrency 4: warming up, 2 s")
    }
}
