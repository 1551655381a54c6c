import XCTest

@testable import Crest

/// Exact group-sequential boundaries: one look is the binomial test; several looks are never
/// stricter than testing each on its own share of α (the union bound), and their error rate,
/// counted over simulated paths, stays within α.
final class GroupSequentialBoundariesTests: XCTestCase {
    private let looks = LevelTest.doublingLooks(first: 32, cap: 600)
    private var cumulative: [Double] {
        let test = LevelTest(budget: Budget(latency: [], maxErrorRate: nil), mode: .confirmation, looks: looks)
        return looks.indices.map { test.cumulativeAlpha(throughLook: $0) }
    }

    func testOneLookIsTheBinomialTest() {
        for (n, p) in [(59, 0.95), (600, 0.95), (299, 0.99), (1500, 0.99)] {
            let met = (0...n).last { exceedanceTest(exceedances: $0, of: n, percentile: p, alpha: 0.05) == .met } ?? -1
            let broken = (0...n).first { exceedanceTest(exceedances: $0, of: n, percentile: p, alpha: 0.05) == .broken } ?? .max
            XCTAssertEqual(GroupSequentialBoundaries.lower(sizes: [n], rate: 1 - p, cumulativeAlpha: [0.05]), [met], "\(n) p\(p)")
            XCTAssertEqual(GroupSequentialBoundaries.upper(sizes: [n], rate: 1 - p, cumulativeAlpha: [0.05]), [broken], "\(n) p\(p)")
        }
    }

    func testEveryLookIsAtLeastAsLenientAsItsShareOfAlphaAlone() {
        let test = LevelTest(budget: Budget(latency: [], maxErrorRate: nil), mode: .confirmation, looks: looks)
        let lower = GroupSequentialBoundaries.lower(sizes: looks, rate: 0.05, cumulativeAlpha: cumulative)
        let upper = GroupSequentialBoundaries.upper(sizes: looks, rate: 0.05, cumulativeAlpha: cumulative)
        for (index, n) in looks.enumerated() {
            let alpha = test.alpha(atLook: index)
            let met = (0...n).last { exceedanceTest(exceedances: $0, of: n, percentile: 0.95, alpha: alpha) == .met } ?? -1
            let broken = (0...n).first { exceedanceTest(exceedances: $0, of: n, percentile: 0.95, alpha: alpha) == .broken } ?? .max
            XCTAssertGreaterThanOrEqual(lower[index], met, "look \(n)")
            XCTAssertLessThanOrEqual(upper[index], broken, "look \(n)")
        }
        XCTAssertGreaterThan(lower.last!, (0...600).last { exceedanceTest(exceedances: $0, of: 600, percentile: 0.95, alpha: test.alpha(atLook: looks.count - 1)) == .met }!,
            "the last look gets what the earlier ones left unspent")
    }

    // 20,000 paths of independent requests at a rate exactly 5%: the share that cross the "met"
    // boundary at some look stays within α = 5%, and is more than the union bound's looks spend.
    func testTheErrorRateOverSimulatedPathsStaysWithinAlpha() {
        let lower = GroupSequentialBoundaries.lower(sizes: looks, rate: 0.05, cumulativeAlpha: cumulative)
        let test = LevelTest(budget: Budget(latency: [], maxErrorRate: nil), mode: .confirmation, looks: looks)
        let union = looks.enumerated().map { index, n in
            (0...n).last { exceedanceTest(exceedances: $0, of: n, percentile: 0.95, alpha: test.alpha(atLook: index)) == .met } ?? -1
        }
        var random = SeededRandom(seed: 31)
        var crossed = (exact: 0, union: 0)
        let paths = 20_000
        for _ in 0..<paths {
            var count = 0
            var sent = 0
            var exact = false
            var unionCrossed = false
            for (index, n) in looks.enumerated() {
                while sent < n {
                    if random.nextUnit() < 0.05 { count += 1 }
                    sent += 1
                }
                if count <= lower[index] { exact = true }
                if count <= union[index] { unionCrossed = true }
            }
            if exact { crossed.exact += 1 }
            if unionCrossed { crossed.union += 1 }
        }
        let rate = Double(crossed.exact) / Double(paths)
        XCTAssertLessThanOrEqual(rate, 0.05 + 2 * (0.05 * 0.95 / Double(paths)).squareRoot())
        XCTAssertGreaterThan(crossed.exact, crossed.union)
    }
}
