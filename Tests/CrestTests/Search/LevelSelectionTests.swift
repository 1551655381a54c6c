import XCTest
@testable import Crest
import CrestTestSupport

final class LevelSelectionTests: XCTestCase {
    private var budget: Budget { Budget(latency: [try! LatencyConstraint(parsing: "e2e.p95<=10s")], maxErrorRate: nil) }

    private func levels(_ points: [(Int, Double, Double)]) -> [LevelResult] {
        points.map { LevelRunFixtures.result(concurrency: $0.0, transactionsPerMinute: $0.1, p95: $0.2, budget: budget) }
    }

    func testPicksTheHighestThroughputWithinTheBudget() throws {
        let recommendation = try XCTUnwrap(LevelSelection().recommend(from: levels([(1, 30, 2), (8, 160, 4), (16, 220, 8), (32, 260, 14)])))
        XCTAssertTrue(recommendation.isFeasible)
        XCTAssertEqual(recommendation.concurrency, 16)
        guard case .budget(let next, let violations) = recommendation.limit else { return XCTFail("the next level's budget limits it") }
        XCTAssertEqual(next, 32)
        XCTAssertEqual(violations.map(\.constraint.statisticName), ["e2e.p95"])
        XCTAssertEqual(recommendation.bindingConstraint?.constraint.statisticName, "e2e.p95")
        XCTAssertTrue(recommendation.explanation.contains("Concurrency 32 breaks it: e2e.p95 = 14 s (limit 10 s)"))
    }

    // On a plateau the smallest level within 2% of the best wins: same throughput, less latency.
    func testOnAPlateauPicksTheKnee() throws {
        let recommendation = try XCTUnwrap(LevelSelection().recommend(from: levels([(8, 200, 3), (16, 300, 5), (32, 305, 8)])))
        XCTAssertEqual(recommendation.concurrency, 16)
        XCTAssertEqual(recommendation.highestThroughputConcurrency, 32)
        guard case .plateau(let best, let gain) = recommendation.limit else { return XCTFail("a plateau limits it") }
        XCTAssertEqual(best, 32)
        XCTAssertEqual(gain, 305.0 / 300 - 1, accuracy: 1e-3)
        let strict = try XCTUnwrap(LevelSelection(plateauTolerance: 0).recommend(from: levels([(8, 200, 3), (16, 300, 5), (32, 305, 8)])))
        XCTAssertEqual(strict.concurrency, 32)
    }

    // A search's own answer (46 here) told against the levels: what stops a higher level is the
    // next one up, not a lower level whose short screening measured more throughput.
    func testASearchsOwnAnswerIsToldFromTheLevelsAboveIt() throws {
        let measured = levels([(32, 280, 6), (43, 313, 8), (46, 308, 9), (54, 317, 11)])
        let recommendation = try XCTUnwrap(LevelSelection().recommendation(of: 46, from: measured))
        XCTAssertEqual(recommendation.concurrency, 46)
        XCTAssertEqual(recommendation.highestThroughputConcurrency, 43)
        guard case .budget(let next, _) = recommendation.limit else { return XCTFail("the next level's budget limits it") }
        XCTAssertEqual(next, 54)
        XCTAssertEqual(LevelSelection().recommend(from: measured)?.concurrency, 43, "the selection alone takes the faster screening")
        XCTAssertNil(LevelSelection().recommendation(of: 50, from: measured))
    }

    func testPastThePeakOfADecliningCurve() throws {
        let recommendation = try XCTUnwrap(LevelSelection().recommend(from: levels([(8, 200, 3), (16, 300, 5), (32, 250, 8)])))
        XCTAssertEqual(recommendation.concurrency, 16)
        guard case .plateau(let best, _) = recommendation.limit else { return XCTFail("no more throughput above") }
        XCTAssertEqual(best, 16)
    }

    func testWhenEveryLevelFitsItSaysTheEndpointMayTakeMore() throws {
        let recommendation = try XCTUnwrap(LevelSelection().recommend(from: levels([(1, 30, 2), (2, 58, 2.5)])))
        XCTAssertEqual(recommendation.concurrency, 2)
        XCTAssertEqual(recommendation.limit, .rangeEnd)
        XCTAssertTrue(recommendation.explanation.contains("try higher levels"))
    }

    func testWhenNothingFitsItNamesTheClosestLevel() throws {
        let recommendation = try XCTUnwrap(LevelSelection().recommend(from: levels([(4, 100, 12), (8, 150, 15)])))
        XCTAssertFalse(recommendation.isFeasible)
        XCTAssertEqual(recommendation.concurrency, 4)
        XCTAssertTrue(recommendation.explanation.hasPrefix("No level met the budget. The closest was concurrency 4: e2e.p95 = 12 s (limit 10 s)."))
        XCTAssertTrue(recommendation.explanation.hasSuffix("Try lower levels."))
        XCTAssertNil(LevelSelection().recommend(from: []))
    }
}
