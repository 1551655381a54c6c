import XCTest
@testable import Crest
import CrestTestSupport

final class FixedListSearchTests: XCTestCase {
    private func run(_ concurrency: Int, latency: Double, spacing: Double) -> LevelRun {
        LevelRunFixtures.run(concurrency: concurrency, latencies: Array(repeating: latency, count: 200), spacing: spacing)
    }

    func testMeasuresEveryLevelInOrderAndRecommends() async throws {
        let measurer = ScriptedMeasurer(runs: [
            run(1, latency: 1, spacing: 1), run(2, latency: 1.2, spacing: 0.6), run(4, latency: 2, spacing: 0.5),
        ])
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=1.5s")], maxErrorRate: 0.01)
        var seen: [Int] = []
        let session = SearchSession(measurer: measurer, budget: budget, limits: .none) { run, result, step in
            XCTAssertEqual(run.level.concurrency, result.concurrency)
            XCTAssertEqual(step.concurrency, result.concurrency)
            seen.append(result.concurrency)
        }
        let search = FixedListSearch(levels: [4, 1, 2].map(Level.init(concurrency:)), length: .scaledRequests(minimum: 100, perClient: 30))
        let outcome = try await search.search(session)
        XCTAssertEqual(seen, [4, 1, 2], "levels run in the list's order")
        let rules = await measurer.requested.map(\.1)
        XCTAssertEqual(rules, [.requests(120), .requests(100), .requests(100)])
        XCTAssertEqual(outcome.levels.map(\.verdict.isFeasible), [false, true, true])
        XCTAssertEqual(outcome.recommendation?.concurrency, 2)
        XCTAssertEqual(outcome.stopReason, .converged)
        XCTAssertEqual(outcome.totals.requests, 600 + 2 * (2 + 3 + 5), "measured plus each level's padding")
        XCTAssertEqual(outcome.steps.map(\.phase), [.fixed, .fixed, .fixed])
    }

    func testAMeasurerErrorStopsTheSweepAfterRecordingFinishedLevels() async throws {
        let measurer = ScriptedMeasurer(runs: [run(1, latency: 1, spacing: 1)])
        var finished = 0
        let session = SearchSession(measurer: measurer, budget: Budget(latency: [], maxErrorRate: nil), limits: .none) { _, _, _ in finished += 1 }
        do {
            _ = try await FixedListSearch(levels: [1, 2].map(Level.init(concurrency:))).search(session)
            XCTFail("the missing level must throw")
        } catch is ScriptedMeasurer.ScriptError {
            XCTAssertEqual(finished, 1, "the finished level was handed over before the failure")
        }
    }

    func testStopsWhenTheRequestBudgetIsSpent() async throws {
        let measurer = ScriptedMeasurer(runs: [run(1, latency: 1, spacing: 1), run(2, latency: 1, spacing: 0.5)])
        let session = SearchSession(measurer: measurer, budget: Budget(latency: [], maxErrorRate: nil), limits: SearchLimits(maxRequests: 100))
        let outcome = try await FixedListSearch(levels: [1, 2].map(Level.init(concurrency:))).search(session)
        XCTAssertEqual(outcome.levels.count, 1)
        XCTAssertEqual(outcome.stopReason, .budgetExhausted)
    }

    func testLevelLengthRules() {
        XCTAssertEqual(LevelLength.standard.stopRule(for: Level(concurrency: 1)), .requests(200))
        XCTAssertEqual(LevelLength.standard.stopRule(for: Level(concurrency: 128)), .requests(512))
        XCTAssertEqual(LevelLength.requests(50).stopRule(for: Level(concurrency: 128)), .requests(50))
        XCTAssertEqual(LevelLength.duration(seconds: 30).stopRule(for: Level(concurrency: 4)), .duration(seconds: 30))
    }

    func testLevelListParsing() throws {
        XCTAssertEqual(try Level.parseList("8, 1,2,2").map(\.concurrency), [1, 2, 8])
        XCTAssertThrowsError(try Level.parseList("1,x")) { error in
            XCTAssertEqual((error as? LevelListError)?.description, "levels '1,x': 'x' is not a whole number above zero; expected a list such as 1,2,4,8")
        }
        XCTAssertThrowsError(try Level.parseList("0")) { error in
            XCTAssertEqual(error as? LevelListError, .malformed(list: "0", item: "0"))
        }
        XCTAssertThrowsError(try Level.parseList("")) { error in XCTAssertEqual(error as? LevelListError, .empty) }
    }
}
